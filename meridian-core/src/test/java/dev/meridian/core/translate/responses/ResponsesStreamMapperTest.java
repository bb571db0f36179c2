package dev.meridian.core.translate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.translate.SseEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat-completions chunks in, the Responses event stream out, as the OpenAI SDK's stream helper reads it. */
class ResponsesStreamMapperTest {
  static final ResponseContext CONTEXT = new ResponseContext("resp_s1", 1_796_000_000L,
      new JsonObject().put("model", "thinker"), 20);

  static JsonObject delta(String delta) {
    return new JsonObject("{\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}");
  }

  static JsonObject finish(String reason) {
    return new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}");
  }

  /** Every event's data, parsed, checked to carry its own name as type. */
  static List<JsonObject> run(ResponsesStreamMapper mapper, List<JsonObject> chunks, JsonObject usage) {
    List<SseEvent> events = new ArrayList<>(mapper.start());
    for (JsonObject chunk : chunks) {
      events.addAll(mapper.onChunk(chunk));
    }
    events.addAll(mapper.onEnd(usage));
    List<JsonObject> data = new ArrayList<>();
    for (SseEvent event : events) {
      JsonObject parsed = new JsonObject(event.data());
      assertThat(parsed.getString("type")).isEqualTo(event.event());
      data.add(parsed);
    }
    return data;
  }

  static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  @Test
  void reasoningThenTextThenAFragmentedToolCallInTheSdksOrder() {
    ResponsesStreamMapper mapper = new ResponsesStreamMapper(CONTEXT);
    List<JsonObject> events = run(mapper, List.of(
        delta("{\"role\":\"assistant\",\"reasoning_content\":\"Think\"}"),
        delta("{\"reasoning_content\":\"ing.\"}"),
        delta("{\"content\":\"Line \\\"one\\\"\\n\"}"),
        delta("{\"content\":\"two\"}"),
        delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":\"\"}}]}"),
        delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"path\\\":\"}}]}"),
        delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"a\\\"}\"}}]}"),
        finish("tool_calls")),
        new JsonObject("{\"prompt_tokens\":20,\"completion_tokens\":9,\"total_tokens\":29}"));
    assertThat(types(events)).containsExactly(
        "response.created", "response.in_progress",
        "response.output_item.added", "response.content_part.added",
        "response.reasoning_text.delta", "response.reasoning_text.delta",
        "response.reasoning_text.done", "response.content_part.done", "response.output_item.done",
        "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done",
        "response.completed");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getInteger("sequence_number")).isEqualTo(i);
    }
    assertThat(events.get(0).getJsonObject("response").getString("status")).isEqualTo("in_progress");
    assertThat(events.get(0).getJsonObject("response").getJsonArray("output")).isEmpty();
    // The directly written text delta is JSON whose text survives escaping.
    JsonObject textDelta = events.get(11);
    assertThat(textDelta.getString("delta")).isEqualTo("Line \"one\"\n");
    assertThat(textDelta.getString("item_id")).isEqualTo("msg_s11");
    assertThat(textDelta.getInteger("output_index")).isEqualTo(1);
    assertThat(events.get(13).getString("text")).isEqualTo("Line \"one\"\ntwo");
    assertThat(events.get(19).getString("arguments")).isEqualTo("{\"path\":\"a\"}");

    JsonObject completed = events.get(events.size() - 1).getJsonObject("response");
    assertThat(completed.getString("status")).isEqualTo("completed");
    JsonArray output = completed.getJsonArray("output");
    assertThat(output).hasSize(3);
    assertThat(output.getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("Thinking.");
    assertThat(output.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("Line \"one\"\ntwo");
    assertThat(output.getJsonObject(2).getString("call_id")).isEqualTo("call_1");
    assertThat(output.getJsonObject(2).getString("arguments")).isEqualTo("{\"path\":\"a\"}");
    assertThat(output.getJsonObject(2).getString("status")).isEqualTo("completed");
    assertThat(completed.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(9);
    assertThat(mapper.outputItems()).extracting(item -> item.getString("id")).containsExactly("rs_s10", "msg_s11", "fc_s12");
  }

  @Test
  void aCutOffStreamEndsWithResponseIncomplete() {
    List<JsonObject> events = run(new ResponsesStreamMapper(CONTEXT),
        List.of(delta("{\"content\":\"Once\"}"), finish("length")), null);
    JsonObject last = events.get(events.size() - 1);
    assertThat(last.getString("type")).isEqualTo("response.incomplete");
    assertThat(last.getJsonObject("response").getJsonObject("incomplete_details").getString("reason"))
        .isEqualTo("max_output_tokens");
    // No usage from the provider: the estimate.
    assertThat(last.getJsonObject("response").getJsonObject("usage").getInteger("input_tokens")).isEqualTo(20);
  }

  @Test
  void anEmptyStreamStillHasOneMessage() {
    List<JsonObject> events = run(new ResponsesStreamMapper(CONTEXT), List.of(finish("stop")), null);
    assertThat(types(events)).contains("response.output_item.added", "response.output_text.done", "response.completed");
    assertThat(events.get(events.size() - 1).getJsonObject("response").getJsonArray("output")).hasSize(1);
  }

  @Test
  void aFailureEndsWithAnErrorEventAndResponseFailedWithWhatWasSaid() {
    ResponsesStreamMapper mapper = new ResponsesStreamMapper(CONTEXT);
    mapper.start();
    mapper.onChunk(delta("{\"content\":\"Half\"}"));
    List<SseEvent> events = mapper.onError(new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", "reset", null));
    assertThat(events).extracting(SseEvent::event).containsExactly("error", "response.failed");
    JsonObject error = new JsonObject(events.get(0).data());
    assertThat(error.getString("code")).isEqualTo("upstream_stream_error");
    assertThat(error.getString("message")).isEqualTo("reset");
    JsonObject failed = new JsonObject(events.get(1).data()).getJsonObject("response");
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getJsonObject("error").getString("message")).isEqualTo("reset");
    assertThat(failed.getJsonArray("output")).hasSize(1);
    assertThat(new JsonObject(events.get(1).data()).getInteger("sequence_number"))
        .isGreaterThan(error.getInteger("sequence_number"));
  }

  @Test
  void streamedLogprobsReachTheDeltaAndTheDoneText() {
    JsonObject chunk = new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":{\"content\":"
        + "[{\"token\":\"Hi\",\"logprob\":-0.3,\"bytes\":[72,105],\"top_logprobs\":[]}]},\"finish_reason\":null}]}");
    List<JsonObject> events = run(new ResponsesStreamMapper(CONTEXT), List.of(chunk, finish("stop")), null);
    JsonObject delta = events.stream().filter(e -> e.getString("type").equals("response.output_text.delta")).findFirst().orElseThrow();
    assertThat(delta.getJsonArray("logprobs").getJsonObject(0).getDouble("logprob")).isEqualTo(-0.3);
    JsonObject done = events.stream().filter(e -> e.getString("type").equals("response.output_text.done")).findFirst().orElseThrow();
    assertThat(done.getJsonArray("logprobs")).hasSize(1);
  }
}
