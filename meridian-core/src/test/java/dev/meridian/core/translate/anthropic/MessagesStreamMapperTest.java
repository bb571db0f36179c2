package dev.meridian.core.translate.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.translate.SseEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per rule of a chat stream rendered as Anthropic's events, each event in a short notation. */
class MessagesStreamMapperTest {
  static final MessageContext CONTEXT = new MessageContext("msg_s1", "claude-ish", new JsonArray().add("END"), 12);

  static String delta(String delta) {
    return "{\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";
  }

  static String finish(String reason) {
    return "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}";
  }

  static String call(int index, String id, String name, String arguments) {
    return delta("{\"tool_calls\":[{\"index\":" + index + (id == null ? "" : ",\"id\":\"" + id + "\",\"type\":\"function\"")
        + ",\"function\":{" + (name == null ? "" : "\"name\":\"" + name + "\",") + "\"arguments\":\"" + arguments + "\"}}]}");
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        // rule, upstream chunks, the rendered events after message_start and ping, before message_stop
        Arguments.of("text deltas -> one text block", List.of(delta("{\"role\":\"assistant\",\"content\":\"Hel\"}"),
            delta("{\"content\":\"lo\"}"), finish("stop")),
            List.of("start 0 text", "text 0 Hel", "text 0 lo", "stop 0", "message_delta end_turn null")),
        Arguments.of("reasoning_content -> a thinking block first", List.of(delta("{\"reasoning_content\":\"hm\"}"),
            delta("{\"content\":\"4\"}"), finish("stop")),
            List.of("start 0 thinking", "thinking 0 hm", "stop 0", "start 1 text", "text 1 4", "stop 1", "message_delta end_turn null")),
        Arguments.of("a tool call -> tool_use block with input_json_delta", List.of(delta("{\"content\":\"Reading.\"}"),
            call(0, "call_1", "read", "{\\\"pa"), call(0, null, null, "th\\\":1}"), finish("tool_calls")),
            List.of("start 0 text", "text 0 Reading.", "stop 0", "start 1 tool_use toolu_call_1 read", "json 1 {\"pa",
                "json 1 th\":1}", "stop 1", "message_delta tool_use null")),
        Arguments.of("two tool calls -> two blocks in order", List.of(call(0, "a", "x", "{}"), call(1, "b", "y", "{}"),
            finish("tool_calls")),
            List.of("start 0 tool_use toolu_a x", "json 0 {}", "stop 0", "start 1 tool_use toolu_b y", "json 1 {}", "stop 1",
                "message_delta tool_use null")),
        Arguments.of("a late fragment of a closed call keeps its index", List.of(call(0, "a", "x", "{"), call(1, "b", "y", "{}"),
            call(0, null, null, "}"), finish("tool_calls")),
            List.of("start 0 tool_use toolu_a x", "json 0 {", "stop 0", "start 1 tool_use toolu_b y", "json 1 {}", "json 0 }",
                "stop 1", "message_delta tool_use null")),
        Arguments.of("length -> max_tokens", List.of(delta("{\"content\":\"a\"}"), finish("length")),
            List.of("start 0 text", "text 0 a", "stop 0", "message_delta max_tokens null")),
        Arguments.of("a named stop sequence -> stop_sequence",
            List.of(delta("{\"content\":\"a\"}"), "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"stop_reason\":\"END\"}]}"),
            List.of("start 0 text", "text 0 a", "stop 0", "message_delta stop_sequence END")),
        Arguments.of("nothing said -> one empty text block", List.of(finish("stop")),
            List.of("start 0 text", "stop 0", "message_delta end_turn null")),
        Arguments.of("choices other than the first ignored", List.of(
            "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"},\"finish_reason\":null}]}", delta("{\"content\":\"me\"}")),
            List.of("start 0 text", "text 0 me", "stop 0", "message_delta end_turn null")),
        Arguments.of("empty deltas open no block", List.of(delta("{\"role\":\"assistant\",\"content\":\"\"}"), delta("{\"content\":\"x\"}")),
            List.of("start 0 text", "text 0 x", "stop 0", "message_delta end_turn null")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void rendersEachRule(String rule, List<String> chunks, List<String> expected) {
    MessagesStreamMapper mapper = new MessagesStreamMapper(CONTEXT);
    List<SseEvent> events = new ArrayList<>(mapper.start());
    for (String chunk : chunks) {
      events.addAll(mapper.onChunk(new JsonObject(chunk)));
    }
    events.addAll(mapper.onEnd(null));
    List<String> described = events.stream().map(MessagesStreamMapperTest::describe).toList();
    assertThat(described.subList(0, 2)).isEqualTo(List.of("message_start", "ping"));
    assertThat(described.get(described.size() - 1)).isEqualTo("message_stop");
    assertThat(described.subList(2, described.size() - 1)).as(rule).isEqualTo(expected);
  }

  @Test
  void textThatJsonMustEscapeSurvivesTheDirectlyWrittenDeltas() {
    String tricky = "say \"hi\"\\n\n\r\ttab \\ back </script> \u2028 \u00e9 \ud83d\ude00 \u0001";
    MessagesStreamMapper mapper = new MessagesStreamMapper(CONTEXT);
    mapper.start();
    List<SseEvent> events = new ArrayList<>();
    events.addAll(mapper.onChunk(new JsonObject().put("choices", new JsonArray().add(new JsonObject()
        .put("index", 0).put("delta", new JsonObject().put("reasoning_content", tricky))))));
    events.addAll(mapper.onChunk(new JsonObject().put("choices", new JsonArray().add(new JsonObject()
        .put("index", 0).put("delta", new JsonObject().put("content", tricky))))));
    List<JsonObject> deltas = events.stream().filter(e -> e.event().equals("content_block_delta"))
        .map(e -> new JsonObject(e.data())).toList();
    assertThat(deltas).hasSize(2);
    assertThat(deltas.get(0).getJsonObject("delta").getString("thinking")).isEqualTo(tricky);
    assertThat(deltas.get(0).getInteger("index")).isEqualTo(0);
    assertThat(deltas.get(1).getJsonObject("delta").getString("text")).isEqualTo(tricky);
    assertThat(deltas.get(1).getJsonObject("delta").getString("type")).isEqualTo("text_delta");
    assertThat(deltas.get(1).getInteger("index")).isEqualTo(1);
    assertThat(events).allSatisfy(e -> assertThat(e.encode()).endsWith("\n\n").doesNotContain("\n\n\n"));
  }

  @Test
  void messageStartCarriesTheIdTheClientsModelAndTheInputEstimate() {
    JsonObject start = data(new MessagesStreamMapper(CONTEXT).start().get(0));
    JsonObject message = start.getJsonObject("message");
    assertThat(start.getString("type")).isEqualTo("message_start");
    assertThat(message.getString("id")).isEqualTo("msg_s1");
    assertThat(message.getString("model")).isEqualTo("claude-ish");
    assertThat(message.getJsonArray("content")).isEmpty();
    assertThat(message.getJsonObject("usage").getLong("input_tokens")).isEqualTo(12);
  }

  @Test
  void messageDeltaCarriesTheProvidersUsageOrTheEstimate() {
    MessagesStreamMapper reported = new MessagesStreamMapper(CONTEXT);
    reported.onChunk(new JsonObject(delta("{\"content\":\"abcdefgh\"}")));
    List<SseEvent> end = reported.onEnd(new JsonObject(
        "{\"prompt_tokens\":50,\"completion_tokens\":9,\"prompt_tokens_details\":{\"cached_tokens\":40}}"));
    JsonObject usage = data(end.get(end.size() - 2)).getJsonObject("usage");
    assertThat(usage.getLong("output_tokens")).isEqualTo(9);
    assertThat(usage.getLong("input_tokens")).isEqualTo(10);
    assertThat(usage.getLong("cache_read_input_tokens")).isEqualTo(40);

    MessagesStreamMapper estimated = new MessagesStreamMapper(CONTEXT);
    estimated.onChunk(new JsonObject(delta("{\"content\":\"abcdefgh\"}")));
    List<SseEvent> estimatedEnd = estimated.onEnd(null);
    JsonObject guessed = data(estimatedEnd.get(estimatedEnd.size() - 2)).getJsonObject("usage");
    assertThat(guessed.getLong("output_tokens")).as("8 characters").isEqualTo(2);
    assertThat(guessed.getLong("input_tokens")).isEqualTo(12);
  }

  @Test
  void anErrorIsAnErrorEventInAnthropicsShape() {
    List<SseEvent> events = new MessagesStreamMapper(CONTEXT).onError(
        new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", "The provider's stream failed: boom", null));
    assertThat(events).hasSize(1);
    assertThat(events.get(0).event()).isEqualTo("error");
    assertThat(data(events.get(0))).isEqualTo(new JsonObject(
        "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The provider's stream failed: boom\"}}"));
  }

  @Test
  void everyEventNamesItselfInItsData() {
    MessagesStreamMapper mapper = new MessagesStreamMapper(CONTEXT);
    List<SseEvent> events = new ArrayList<>(mapper.start());
    events.addAll(mapper.onChunk(new JsonObject(delta("{\"content\":\"a\"}"))));
    events.addAll(mapper.onEnd(null));
    for (SseEvent event : events) {
      assertThat(data(event).getString("type")).isEqualTo(event.event());
    }
  }

  static JsonObject data(SseEvent event) {
    return new JsonObject(event.data());
  }

  /** {@code start N kind [id name]}, {@code text N s}, {@code thinking N s}, {@code json N s}, {@code stop N}, ... */
  static String describe(SseEvent event) {
    JsonObject data = data(event);
    switch (event.event()) {
      case "content_block_start": {
        JsonObject block = data.getJsonObject("content_block");
        String kind = block.getString("type");
        return "start " + data.getInteger("index") + " " + kind
            + ("tool_use".equals(kind) ? " " + block.getString("id") + " " + block.getString("name") : "");
      }
      case "content_block_delta": {
        JsonObject delta = data.getJsonObject("delta");
        int index = data.getInteger("index");
        switch (delta.getString("type")) {
          case "text_delta":
            return "text " + index + " " + delta.getString("text");
          case "thinking_delta":
            return "thinking " + index + " " + delta.getString("thinking");
          case "input_json_delta":
            return "json " + index + " " + delta.getString("partial_json");
          default:
            return "delta? " + delta.encode();
        }
      }
      case "content_block_stop":
        return "stop " + data.getInteger("index");
      case "message_delta": {
        JsonObject delta = data.getJsonObject("delta");
        return "message_delta " + delta.getString("stop_reason") + " " + delta.getString("stop_sequence");
      }
      default:
        return event.event();
    }
  }
}
