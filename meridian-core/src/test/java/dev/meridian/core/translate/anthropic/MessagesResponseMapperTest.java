package dev.meridian.core.translate.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per rule of a chat completion rendered as an Anthropic message. */
class MessagesResponseMapperTest {
  static final MessageContext CONTEXT = new MessageContext("msg_abc", "claude-ish", new JsonArray().add("END"), 42);

  static JsonObject completion(String message, String finishReason, String usage) {
    return new JsonObject("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"upstream-name\",\"choices\":[{\"index\":0,"
        + "\"message\":" + message + ",\"finish_reason\":" + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]"
        + (usage == null ? "" : ",\"usage\":" + usage) + "}");
  }

  static final String USAGE = "{\"prompt_tokens\":30,\"completion_tokens\":7}";

  static Stream<Arguments> rules() {
    String text = "{\"role\":\"assistant\",\"content\":\"Hello.\"}";
    String call = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_9\",\"type\":\"function\","
        + "\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a\\\"}\"}}]}";
    return Stream.of(
        // rule, completion, field of the message, expected value
        Arguments.of("id, type, role", completion(text, "stop", USAGE), "id", "msg_abc"),
        Arguments.of("type message", completion(text, "stop", USAGE), "type", "message"),
        Arguments.of("role assistant", completion(text, "stop", USAGE), "role", "assistant"),
        Arguments.of("model is the client's", completion(text, "stop", USAGE), "model", "claude-ish"),
        Arguments.of("text -> text block", completion(text, "stop", USAGE), "content", "[{\"type\":\"text\",\"text\":\"Hello.\"}]"),
        Arguments.of("reasoning_content -> thinking block first",
            completion("{\"role\":\"assistant\",\"content\":\"4\",\"reasoning_content\":\"2+2\"}", "stop", USAGE), "content",
            "[{\"type\":\"thinking\",\"thinking\":\"2+2\",\"signature\":\"\"},{\"type\":\"text\",\"text\":\"4\"}]"),
        Arguments.of("reasoning (vLLM, OpenRouter) -> thinking block first",
            completion("{\"role\":\"assistant\",\"content\":\"4\",\"reasoning\":\"2+2\"}", "stop", USAGE), "content",
            "[{\"type\":\"thinking\",\"thinking\":\"2+2\",\"signature\":\"\"},{\"type\":\"text\",\"text\":\"4\"}]"),
        Arguments.of("tool_calls -> tool_use with toolu_ id and parsed input", completion(call, "tool_calls", USAGE), "content",
            "[{\"type\":\"tool_use\",\"id\":\"toolu_call_9\",\"name\":\"read\",\"input\":{\"path\":\"a\"}}]"),
        Arguments.of("arguments that are not JSON kept as text", completion(call.replace("{\\\"path\\\":\\\"a\\\"}", "oops"),
            "tool_calls", USAGE), "content/0/input", "{\"_raw_arguments\":\"oops\"}"),
        Arguments.of("empty arguments -> empty input", completion(call.replace("{\\\"path\\\":\\\"a\\\"}", ""),
            "tool_calls", USAGE), "content/0/input", "{}"),
        Arguments.of("no content -> one empty text block", completion("{\"role\":\"assistant\",\"content\":null}", "stop", USAGE),
            "content", "[{\"type\":\"text\",\"text\":\"\"}]"),
        Arguments.of("stop -> end_turn", completion(text, "stop", USAGE), "stop_reason", "end_turn"),
        Arguments.of("length -> max_tokens", completion(text, "length", USAGE), "stop_reason", "max_tokens"),
        Arguments.of("tool_calls -> tool_use", completion(call, "tool_calls", USAGE), "stop_reason", "tool_use"),
        Arguments.of("content_filter -> refusal", completion(text, "content_filter", USAGE), "stop_reason", "refusal"),
        Arguments.of("no finish_reason -> end_turn", completion(text, null, USAGE), "stop_reason", "end_turn"),
        Arguments.of("stop_sequence null when not named", completion(text, "stop", USAGE), "stop_sequence", null),
        Arguments.of("a named matched stop -> stop_sequence", withChoiceField(completion(text, "stop", USAGE), "stop_reason", "END"),
            "stop_reason", "stop_sequence"),
        Arguments.of("the matched stop is echoed", withChoiceField(completion(text, "stop", USAGE), "matched_stop", "END"),
            "stop_sequence", "END"),
        Arguments.of("a named stop the client did not send is no stop_sequence",
            withChoiceField(completion(text, "stop", USAGE), "stop_reason", "OTHER"), "stop_reason", "end_turn"),
        Arguments.of("usage mapped", completion(text, "stop", USAGE), "usage",
            "{\"input_tokens\":30,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":7}"),
        Arguments.of("OpenAI cached tokens -> cache_read_input_tokens, out of input_tokens",
            completion(text, "stop", "{\"prompt_tokens\":30,\"completion_tokens\":7,\"prompt_tokens_details\":{\"cached_tokens\":20}}"),
            "usage", "{\"input_tokens\":10,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":20,\"output_tokens\":7}"),
        Arguments.of("DeepSeek cache hits -> cache_read_input_tokens",
            completion(text, "stop", "{\"prompt_tokens\":30,\"completion_tokens\":7,\"prompt_cache_hit_tokens\":16,\"prompt_cache_miss_tokens\":14}"),
            "usage/cache_read_input_tokens", 16L),
        Arguments.of("no usage -> Meridian's estimates", completion(text, "stop", null), "usage",
            "{\"input_tokens\":42,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":2}"));
  }

  static JsonObject withChoiceField(JsonObject completion, String field, String value) {
    completion.getJsonArray("choices").getJsonObject(0).put(field, value);
    return completion;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void mapsEachRule(String rule, JsonObject completion, String field, Object expected) {
    Object actual = MessagesRequestMapperTest.at(MessagesResponseMapper.map(completion, CONTEXT), field);
    if (expected instanceof String s && (s.startsWith("[") || s.startsWith("{"))) {
      expected = s.startsWith("[") ? new JsonArray(s) : new JsonObject(s);
    }
    if (expected instanceof Long l && actual instanceof Number n) {
      actual = n.longValue();
    }
    assertThat(actual).as(rule).isEqualTo(expected);
  }

  @Test
  void toolIdsStayWhenAlreadyToolu_AndAreMintedWhenMissing() {
    JsonObject withIds = completion("{\"role\":\"assistant\",\"content\":\"Both.\",\"tool_calls\":["
        + "{\"id\":\"toolu_x\",\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"{}\"}},"
        + "{\"type\":\"function\",\"function\":{\"name\":\"b\",\"arguments\":{\"k\":1}}}]}", "tool_calls", USAGE);
    JsonArray content = MessagesResponseMapper.map(withIds, CONTEXT).getJsonArray("content");
    assertThat(content.getJsonObject(0).getString("type")).isEqualTo("text");
    assertThat(content.getJsonObject(1).getString("id")).isEqualTo("toolu_x");
    assertThat(content.getJsonObject(2).getString("id")).isEqualTo("toolu_abc_1");
    assertThat(content.getJsonObject(2).getJsonObject("input")).isEqualTo(new JsonObject().put("k", 1));
  }
}
