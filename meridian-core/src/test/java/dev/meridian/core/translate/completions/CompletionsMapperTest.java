package dev.meridian.core.translate.completions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.translate.SseEvent;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The legacy completions surface's three mappers: request rules and refusals, JSON answer, stream. */
class CompletionsMapperTest {
  static String request(String extra) {
    return "{\"model\":\"plain\",\"prompt\":\"Say hi\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of("prompt -> one user message", request(""), "messages", "[{\"role\":\"user\",\"content\":\"Say hi\"}]"),
        Arguments.of("an array of one prompt -> one user message",
            "{\"model\":\"plain\",\"prompt\":[\"Say hi\"]}", "messages", "[{\"role\":\"user\",\"content\":\"Say hi\"}]"),
        Arguments.of("max_tokens defaults to the legacy 16", request(""), "max_tokens", "16"),
        Arguments.of("max_tokens kept", request("\"max_tokens\":90"), "max_tokens", "90"),
        Arguments.of("logprobs N -> logprobs and top_logprobs N", request("\"logprobs\":2"), "top_logprobs", "2"),
        Arguments.of("n kept", request("\"n\":3"), "n", "3"),
        Arguments.of("best_of equal to n accepted and not sent", request("\"n\":2,\"best_of\":2"), "best_of", "null"),
        Arguments.of("stop list kept", request("\"stop\":[\"\\n\"]"), "stop", "[\"\\n\"]"),
        Arguments.of("stream_options kept when streamed",
            request("\"stream\":true,\"stream_options\":{\"include_usage\":true}"), "stream_options", "{\"include_usage\":true}"),
        Arguments.of("echo not sent upstream", request("\"echo\":true"), "echo", "null"),
        Arguments.of("an empty suffix accepted", request("\"suffix\":\"\""), "suffix", "null"),
        Arguments.of("seed kept whole", request("\"seed\":12345678901"), "seed", "12345678901"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void mapsTheRule(String rule, String request, String field, String expected) {
    Object value = CompletionsRequestMapper.map(new JsonObject(request)).body().getValue(field);
    assertThat(value == null ? "null" : Json.encode(value)).isEqualTo(Json.encode(Json.decodeValue(expected)));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("prompt missing", "{\"model\":\"plain\"}", "prompt"),
        Arguments.of("several prompts", "{\"model\":\"plain\",\"prompt\":[\"a\",\"b\"]}", "prompt"),
        Arguments.of("token array", "{\"model\":\"plain\",\"prompt\":[1,2,3]}", "prompt"),
        Arguments.of("suffix", request("\"suffix\":\"end\""), "suffix"),
        Arguments.of("best_of above n", request("\"best_of\":3"), "best_of"),
        Arguments.of("logprobs above 5", request("\"logprobs\":6"), "logprobs"),
        Arguments.of("max_tokens 0", request("\"max_tokens\":0"), "max_tokens"),
        Arguments.of("five stop sequences", request("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]"), "stop"),
        Arguments.of("model missing", "{\"prompt\":\"x\"}", "model"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesNamingTheParam(String refusal, String request, String param) {
    OpenAiException refused = catchThrowableOfType(() -> CompletionsRequestMapper.map(new JsonObject(request)), OpenAiException.class);
    assertThat(refused).as(refusal).isNotNull();
    assertThat(refused.error().status()).isEqualTo(400);
    assertThat(refused.error().param()).isEqualTo(param);
  }

  static final String LOGPROBS = "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.1,\"top_logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.1},"
      + "{\"token\":\"Hey\",\"logprob\":-2.4}]},{\"token\":\"!\",\"logprob\":-0.5,\"top_logprobs\":[]}]}";

  @Test
  void aChatCompletionBecomesATextCompletionWithLegacyLogprobsAndTheEchoedPrompt() {
    JsonObject completion = new JsonObject("{\"id\":\"chatcmpl-1\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\"},\"logprobs\":" + LOGPROBS + ",\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");
    JsonObject answer = CompletionsResponseMapper.map(completion, new CompletionContext("cmpl-1", 7, "budget", "Say: ", false));
    assertThat(answer.getString("object")).isEqualTo("text_completion");
    assertThat(answer.getString("id")).isEqualTo("cmpl-1");
    assertThat(answer.getString("model")).isEqualTo("budget");
    assertThat(answer.getString("system_fingerprint")).isEqualTo("fp_1");
    JsonObject choice = answer.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("text")).isEqualTo("Say: Hi!");
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    JsonObject logprobs = choice.getJsonObject("logprobs");
    assertThat(logprobs.getJsonArray("tokens").encode()).isEqualTo("[\"Hi\",\"!\"]");
    assertThat(logprobs.getJsonArray("token_logprobs").encode()).isEqualTo("[-0.1,-0.5]");
    assertThat(logprobs.getJsonArray("top_logprobs").getJsonObject(0).getDouble("Hey")).isEqualTo(-2.4);
    // Offsets count from the start of the returned text, the echoed prompt included.
    assertThat(logprobs.getJsonArray("text_offset").encode()).isEqualTo("[5,7]");
    assertThat(answer.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(5);
  }

  @Test
  void aStreamOfTwoChoicesWithUsageAskedForEndsWithTheUsageChunkAndDone() {
    CompletionsStreamMapper mapper = new CompletionsStreamMapper(new CompletionContext("cmpl-2", 7, "plain", null, true));
    List<SseEvent> events = new ArrayList<>(mapper.start());
    events.addAll(mapper.onChunk(new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}")));
    events.addAll(mapper.onChunk(new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}},{\"index\":1,\"delta\":{\"content\":\"B\"}}]}")));
    events.addAll(mapper.onChunk(new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")));
    events.addAll(mapper.onEnd(new JsonObject("{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}")));
    assertThat(events).allMatch(event -> event.event() == null);
    // The role-only chunk says nothing: no event for it.
    assertThat(events).hasSize(4);
    JsonArray both = new JsonObject(events.get(0).data()).getJsonArray("choices");
    assertThat(both.getJsonObject(0).getString("text")).isEqualTo("A");
    assertThat(both.getJsonObject(1).getString("text")).isEqualTo("B");
    assertThat(both.getJsonObject(1).getInteger("index")).isEqualTo(1);
    assertThat(new JsonObject(events.get(1).data()).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    JsonObject usage = new JsonObject(events.get(2).data());
    assertThat(usage.getJsonArray("choices")).isEmpty();
    assertThat(usage.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(5);
    assertThat(events.get(3).data()).isEqualTo("[DONE]");
  }

  @Test
  void aStreamEchoesThePromptOnceAndWithoutUsageAskedSendsNone() {
    CompletionsStreamMapper mapper = new CompletionsStreamMapper(new CompletionContext("cmpl-3", 7, "plain", "Q: ", false));
    List<SseEvent> events = new ArrayList<>(mapper.onChunk(new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}")));
    events.addAll(mapper.onChunk(new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"B\"}}]}")));
    events.addAll(mapper.onEnd(new JsonObject("{\"prompt_tokens\":3,\"completion_tokens\":2}")));
    assertThat(events).extracting(SseEvent::data).hasSize(3).last().isEqualTo("[DONE]");
    assertThat(new JsonObject(events.get(0).data()).getJsonArray("choices").getJsonObject(0).getString("text")).isEqualTo("Q: A");
    assertThat(new JsonObject(events.get(1).data()).getJsonArray("choices").getJsonObject(0).getString("text")).isEqualTo("B");
  }

  @Test
  void aFailedStreamEndsWithAnOpenAiErrorEvent() {
    List<SseEvent> events = new CompletionsStreamMapper(new CompletionContext("cmpl-4", 7, "plain", null, false))
        .onError(new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", "reset", null));
    assertThat(new JsonObject(events.get(0).data()).getJsonObject("error").getString("code")).isEqualTo("upstream_stream_error");
  }
}
