package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulator honours tools, response_format, n, logprobs and stop over HTTP, whole and streamed. */
class RequestFidelityTest extends SimulatorTestBase {
  static final String MODEL = "qwen3-8b";
  static final JsonObject WEATHER = new JsonObject("""
      {"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},
       "days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","unit","days"],"additionalProperties":false}
      """);
  static final JsonArray TOOLS = new JsonArray().add(new JsonObject().put("type", "function")
      .put("function", new JsonObject().put("name", "get_weather").put("parameters", WEATHER)));

  @Test
  void toolCallsComeWholeAndAsOpenAiStyleDeltas() {
    JsonObject body = chat(MODEL, "What is the weather in Paris?").put("tools", TOOLS);
    JsonObject whole = client.post(path(MODEL, "us-east"), body).json();
    JsonObject choice = whole.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
    JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
    String arguments = call.getJsonObject("function").getString("arguments");
    assertThat(SchemaValidator.problems(WEATHER, new JsonObject(arguments))).isEmpty();

    List<JsonObject> chunks = choiceChunks(
        client.stream(path(MODEL, "us-east"), body.copy().put("stream", true), Map.of()).awaitEnd());
    JsonObject first = delta(chunks.get(0));
    assertThat(first.getString("role")).isEqualTo("assistant");
    JsonObject firstCall = first.getJsonArray("tool_calls").getJsonObject(0);
    assertThat(firstCall.getInteger("index")).isZero();
    assertThat(firstCall.getString("id")).isEqualTo(call.getString("id"));
    assertThat(firstCall.getString("type")).isEqualTo("function");
    assertThat(firstCall.getJsonObject("function").getString("name")).isEqualTo("get_weather");
    assertThat(firstCall.getJsonObject("function").getString("arguments")).isEmpty();
    StringBuilder streamed = new StringBuilder();
    for (JsonObject chunk : chunks.subList(1, chunks.size() - 1)) {
      JsonObject piece = delta(chunk).getJsonArray("tool_calls").getJsonObject(0);
      assertThat(piece.fieldNames()).containsExactlyInAnyOrder("index", "function");
      streamed.append(piece.getJsonObject("function").getString("arguments"));
    }
    assertThat(streamed.toString()).isEqualTo(arguments);
    assertThat(chunks.size()).as("arguments come in several pieces").isGreaterThan(3);
    assertThat(chunks.get(chunks.size() - 1).getJsonArray("choices").getJsonObject(0).getString("finish_reason"))
        .isEqualTo("tool_calls");
  }

  @Test
  void structuredOutputStreamsValidJson() {
    JsonObject body = chat(MODEL, "Weather as JSON").put("response_format", new JsonObject().put("type", "json_schema")
        .put("json_schema", new JsonObject().put("name", "weather").put("strict", true).put("schema", WEATHER)));
    List<SimClient.Event> events =
        client.stream(path(MODEL, "eu-west"), body.copy().put("stream", true), Map.of()).awaitEnd();
    String streamed = concatenated(events, "content");
    assertThat(SchemaValidator.problems(WEATHER, new JsonObject(streamed))).isEmpty();
    String whole = client.post(path(MODEL, "eu-west"), body).json().getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content");
    assertThat(streamed).isEqualTo(whole);
  }

  @Test
  void nChoicesInterleaveInTheStreamAndMatchTheWholeAnswer() {
    JsonObject body = chat(MODEL, "Two answers").put("n", 2).put("max_tokens", 5);
    JsonObject whole = client.post(path(MODEL, "us-east"), body).json();
    assertThat(whole.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(10);

    List<SimClient.Event> events = client.stream(path(MODEL, "us-east"),
        body.copy().put("stream", true).put("stream_options", new JsonObject().put("include_usage", true)), Map.of())
        .awaitEnd();
    List<JsonObject> chunks = choiceChunks(events);
    List<Integer> order = new ArrayList<>();
    StringBuilder[] texts = {new StringBuilder(), new StringBuilder()};
    for (JsonObject chunk : chunks) {
      JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
      order.add(choice.getInteger("index"));
      String piece = choice.getJsonObject("delta").getString("content");
      texts[choice.getInteger("index")].append(piece == null ? "" : piece);
    }
    assertThat(order).containsExactly(0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1);
    for (int i = 0; i < 2; i++) {
      assertThat(texts[i].toString()).isEqualTo(whole.getJsonArray("choices").getJsonObject(i)
          .getJsonObject("message").getString("content"));
    }
    assertThat(events.get(events.size() - 2).json().getJsonObject("usage").getInteger("completion_tokens"))
        .isEqualTo(10);
  }

  @Test
  void logprobsRideOnEveryContentChunk() {
    JsonObject body = chat(MODEL, "hi").put("stream", true).put("max_tokens", 4).put("logprobs", true)
        .put("top_logprobs", 2);
    List<JsonObject> chunks = choiceChunks(client.stream(path(MODEL, "us-east"), body, Map.of()).awaitEnd());
    assertThat(chunks).hasSize(5);
    for (JsonObject chunk : chunks.subList(0, 4)) {
      JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
      JsonObject entry = choice.getJsonObject("logprobs").getJsonArray("content").getJsonObject(0);
      assertThat(entry.getString("token")).isEqualTo(choice.getJsonObject("delta").getString("content"));
      assertThat(entry.getJsonArray("top_logprobs")).hasSize(2);
    }
  }

  @Test
  void badValuesAreTheProvidersBadRequest() {
    for (Map.Entry<String, JsonObject> bad : Map.of(
        "n", chat(MODEL, "x").put("n", 200),
        "top_logprobs", chat(MODEL, "x").put("top_logprobs", 2),
        "tool_choice", chat(MODEL, "x").put("tools", TOOLS).put("tool_choice",
            new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "other"))),
        "response_format", chat(MODEL, "x").put("response_format", new JsonObject().put("type", "json_schema")
            .put("json_schema", new JsonObject().put("name", "s").put("schema", new JsonObject().put("type", "text")))))
        .entrySet()) {
      SimClient.Reply reply = client.post(path(MODEL, "us-east"), bad.getValue());
      assertThat(reply.status()).as(bad.getKey()).isEqualTo(400);
      JsonObject error = reply.json().getJsonObject("error");
      assertThat(error.getString("param")).isEqualTo(bad.getKey());
      assertThat(error.getString("type")).isEqualTo("invalid_request_error");
      assertThat(error.getString("message")).isNotBlank();
    }
  }

  @Test
  void anErrorFaultBreaksTheStreamWithAnErrorEventAndNoDone() {
    simulator.faults().set(MODEL, "us-east", FaultSpec.NONE.withErrorAfterChunks(3));
    List<SimClient.Event> events =
        client.stream(path(MODEL, "us-east"), streamingChat(MODEL, "hi", 10), Map.of()).awaitEnd();
    assertThat(events).hasSize(4);
    assertThat(choiceChunks(events.subList(0, 3))).hasSize(3);
    JsonObject error = events.get(3).json().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("server_error");
    assertThat(error.getString("message")).isEqualTo(StreamingResponder.STREAM_ERROR_MESSAGE);
    assertThat(simulator.stats().endpoint(MODEL + "@us-east").faults(FaultKind.ERROR_EVENT)).isEqualTo(1);
    assertThat(client.post(path(MODEL, "us-east"), chat(MODEL, "hi")).status()).isEqualTo(500);
  }

  private static JsonObject delta(JsonObject chunk) {
    return chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
  }
}
