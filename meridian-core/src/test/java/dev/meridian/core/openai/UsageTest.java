package dev.meridian.core.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tree reading ({@link Usage#fromJson}) and the streaming one ({@link UsageReader}) agree. */
class UsageTest {
  static final List<String> USAGES = List.of(
      "{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46}",
      "{\"prompt_tokens\":2006,\"completion_tokens\":300,\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},"
          + "\"completion_tokens_details\":{\"reasoning_tokens\":256}}",
      "{\"prompt_tokens\":30,\"completion_tokens\":8,\"prompt_cache_hit_tokens\":24,\"prompt_cache_miss_tokens\":6}",
      "{\"completion_tokens\":8,\"prompt_cache_hit_tokens\":24,\"prompt_cache_miss_tokens\":6}",
      "{\"completion_tokens\":8,\"prompt_cache_hit_tokens\":24}",
      "{\"prompt_tokens\":30,\"completion_tokens\":8,\"prompt_cache_hit_tokens\":24,\"prompt_tokens_details\":{\"cached_tokens\":20}}",
      "{\"prompt_tokens\":10,\"completion_tokens\":8,\"prompt_tokens_details\":{\"cached_tokens\":99}}",
      "{\"prompt_tokens\":10,\"completion_tokens\":8,\"prompt_tokens_details\":{\"cached_tokens\":-3}}",
      "{\"prompt_tokens\":10,\"completion_tokens\":8,\"prompt_tokens_details\":null}",
      "{\"prompt_tokens\":10,\"completion_tokens\":8,\"prompt_tokens_details\":{\"cached_tokens\":\"4\"}}",
      "{\"prompt_tokens\":10,\"completion_tokens\":8,\"prompt_tokens_details\":{\"cached_tokens\":4},\"prompt_tokens_details\":{}}",
      "{\"prompt_tokens\":10,\"completion_tokens\":8,\"prompt_tokens_details\":[{\"cached_tokens\":4}]}",
      "{\"prompt_tokens\":10,\"completion_tokens\":8,\"completion_tokens_details\":{\"reasoning_tokens\":2.7,\"x\":[1,{}]}}",
      "{\"prompt_tokens\":10,\"completion_tokens\":8,\"completion_tokens_details\":{\"reasoning_tokens\":80}}",
      "{\"prompt_tokens\":10}",
      "{\"prompt_tokens\":10,\"total_tokens\":10}",
      "{\"prompt_tokens\":10,\"total_tokens\":14}",
      "{\"prompt_tokens\":10,\"total_tokens\":4}",
      "{\"total_tokens\":10}",
      "{\"prompt_tokens\":null,\"completion_tokens\":3}",
      "{}");

  @Test
  void streamingAndTreeReadingsAgree() throws Exception {
    for (String usage : USAGES) {
      try (JsonParser parser = JacksonCodec.createParser(usage)) {
        assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        assertThat(UsageReader.read(parser)).as(usage).isEqualTo(Usage.fromJson(new JsonObject(usage)));
        assertThat(parser.currentToken()).isEqualTo(JsonToken.END_OBJECT);
      }
    }
  }

  @Test
  void readsCachedAndReasoningTokensOfEachDialect() {
    assertThat(Usage.fromJson(new JsonObject(USAGES.get(1)))).isEqualTo(new Usage(2006, 300, 1920, 256, false));
    assertThat(Usage.fromJson(new JsonObject(USAGES.get(2)))).isEqualTo(new Usage(30, 8, 24, 0, false));
    assertThat(Usage.fromJson(new JsonObject(USAGES.get(3)))).as("hit + miss stand in for prompt_tokens")
        .isEqualTo(new Usage(30, 8, 24, 0, false));
    assertThat(Usage.fromJson(new JsonObject(USAGES.get(4)))).isNull();
    assertThat(Usage.fromJson(new JsonObject(USAGES.get(5)))).as("OpenAI's count wins").isEqualTo(new Usage(30, 8, 20, 0, false));
    assertThat(Usage.fromJson(new JsonObject(USAGES.get(6)))).as("never more cached than prompt")
        .isEqualTo(new Usage(10, 8, 10, 0, false));
    assertThat(new Usage(1, 2, true)).isEqualTo(new Usage(1, 2, 0, 0, true));
  }

  @Test
  void anEmbeddingsUsageOfPromptAndTotalOnlyIsReadWithNoCompletion() {
    assertThat(Usage.fromJson(new JsonObject("{\"prompt_tokens\":10}"))).as("no total: not a usage").isNull();
    assertThat(Usage.fromJson(new JsonObject("{\"prompt_tokens\":10,\"total_tokens\":10}")))
        .isEqualTo(new Usage(10, 0, false));
    assertThat(Usage.fromJson(new JsonObject("{\"prompt_tokens\":10,\"total_tokens\":14}")))
        .as("what the total adds is completion").isEqualTo(new Usage(10, 4, false));
    assertThat(Usage.fromJson(new JsonObject("{\"prompt_tokens\":10,\"total_tokens\":4}")))
        .as("a total below the prompt is no negative completion").isEqualTo(new Usage(10, 0, false));
    assertThat(Usage.fromJson(new JsonObject("{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":99}")))
        .as("a reported completion wins").isEqualTo(new Usage(10, 2, false));
  }
}
