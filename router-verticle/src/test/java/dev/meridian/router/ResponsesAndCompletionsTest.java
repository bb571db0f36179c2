package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/responses} and {@code /v1/completions} through the one pipeline, against the
 * simulator: JSON and streamed answers, tool calls and their outputs (sent whole and by reference),
 * structured output, failover, a failure mid-stream, keys, and refusals with their param.
 */
class ResponsesAndCompletionsTest extends RouterTestBase {
  static final String FULL = "sk-mer-test-responses-full-0000001";
  static final String FLASH_ONLY = "sk-mer-test-responses-flash-000002";
  static final JsonArray WEATHER_TOOL = new JsonArray("[{\"type\":\"function\",\"name\":\"weather\",\"description\":\"Weather in a city\","
      + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]");

  @Override
  AccessControl access() {
    return AccessControl.withKeys(ClientKeys.parse("{\"keys\":["
        + "{\"name\":\"full\",\"sha256\":\"" + KeyHash.sha256Hex(FULL) + "\"},"
        + "{\"name\":\"flash\",\"sha256\":\"" + KeyHash.sha256Hex(FLASH_ONLY) + "\",\"allow\":[\"deepseek-v4-flash\"]}]}", "test"));
  }

  @BeforeEach
  void healthy() {
    observe("deepseek-v4-flash", "us-east", 50);
    observe("deepseek-v4-flash", "eu-west", 150);
    observe("kimi-k2.5", "us-east", 50);
  }

  Reply as(String key, String path, JsonObject body) throws Exception {
    return send(HttpMethod.POST, path, body == null ? Buffer.buffer("{\"model\":") : body.toBuffer(),
        Map.of("authorization", "Bearer " + key));
  }

  static JsonObject responses(String model, boolean stream) {
    return new JsonObject().put("model", model).put("stream", stream).put("max_output_tokens", 30)
        .put("instructions", "Be brief.").put("input", "Explain recursion");
  }

  static void assertOpenAiError(Reply reply, int status, String param) {
    assertThat(reply.status()).isEqualTo(status);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("type")).isNotBlank();
    if (param != null) {
      assertThat(error.getString("param")).isEqualTo(param);
    }
  }

  @Test
  void aJsonResponseWithTheClientsModelStatusAndUsage() throws Exception {
    Reply reply = as(FULL, "/v1/responses", responses("deepseek-v4-flash", false));
    assertThat(reply.status()).isEqualTo(200);
    JsonObject response = reply.json();
    assertThat(response.getString("id")).startsWith("resp_");
    assertThat(response.getString("object")).isEqualTo("response");
    assertThat(response.getString("model")).isEqualTo("deepseek-v4-flash");
    // The simulator writes up to the budget and says length: the response is incomplete, as OpenAI's is.
    assertThat(response.getString("status")).isEqualTo("incomplete");
    JsonObject text = response.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0);
    assertThat(text.getString("type")).isEqualTo("output_text");
    assertThat(text.getString("text")).isNotBlank();
    assertThat(response.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(30);
    assertThat(reply.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("deepseek-v4-flash");
  }

  @Test
  void aStreamOpensWithCreatedAndEndsWithTheWholeResponse() throws Exception {
    Reply reply = as(FULL, "/v1/responses", responses("deepseek-v4-flash", true));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("content-type")).startsWith("text/event-stream");
    List<Map.Entry<String, JsonObject>> events = AnthropicMessagesTest.events(reply);
    assertThat(events.get(0).getKey()).isEqualTo("response.created");
    Map.Entry<String, JsonObject> last = events.get(events.size() - 1);
    assertThat(last.getKey()).isEqualTo("response.incomplete");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getValue().getString("type")).isEqualTo(events.get(i).getKey());
      assertThat(events.get(i).getValue().getInteger("sequence_number")).isEqualTo(i);
      if (events.get(i).getKey().equals("response.output_text.delta")) {
        text.append(events.get(i).getValue().getString("delta"));
      }
    }
    JsonObject response = last.getValue().getJsonObject("response");
    assertThat(response.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"))
        .isEqualTo(text.toString()).isNotBlank();
    assertThat(response.getJsonObject("usage").getInteger("output_tokens")).as("the provider's usage").isEqualTo(30);
  }

  @Test
  void aFunctionCallRoundTripWorksWithTheItemsSentWholeAndByReference() throws Exception {
    JsonObject ask = new JsonObject().put("model", "deepseek-v4-flash").put("tools", WEATHER_TOOL)
        .put("tool_choice", "required").put("input", "Weather in Oslo?");
    JsonObject first = as(FULL, "/v1/responses", ask).json();
    JsonObject call = first.getJsonArray("output").stream().map(JsonObject.class::cast)
        .filter(item -> item.getString("type").equals("function_call")).findFirst().orElseThrow();
    assertThat(call.getString("name")).isEqualTo("weather");
    assertThat(new JsonObject(call.getString("arguments")).getString("city")).isNotBlank();
    JsonObject output = new JsonObject().put("type", "function_call_output").put("call_id", call.getString("call_id"))
        .put("output", "{\"temperature\":4}");

    JsonArray whole = new JsonArray().add(new JsonObject().put("role", "user").put("content", "Weather in Oslo?"))
        .add(call).add(output);
    Reply sentWhole = as(FULL, "/v1/responses", new JsonObject().put("model", "deepseek-v4-flash")
        .put("tools", WEATHER_TOOL).put("input", whole));
    assertThat(sentWhole.status()).isEqualTo(200);
    assertThat(sentWhole.json().getJsonArray("output").getJsonObject(0).getString("type")).isEqualTo("message");

    JsonArray byReference = new JsonArray().add(new JsonObject().put("role", "user").put("content", "Weather in Oslo?"))
        .add(new JsonObject().put("type", "item_reference").put("id", call.getString("id"))).add(output);
    Reply referenced = as(FULL, "/v1/responses", new JsonObject().put("model", "deepseek-v4-flash")
        .put("tools", WEATHER_TOOL).put("input", byReference));
    assertThat(referenced.status()).isEqualTo(200);
    assertThat(referenced.json().getJsonArray("output").getJsonObject(0).getString("type")).isEqualTo("message");

    JsonArray unknown = new JsonArray().add(new JsonObject().put("type", "item_reference").put("id", "fc_never_served"));
    assertOpenAiError(as(FULL, "/v1/responses", new JsonObject().put("model", "deepseek-v4-flash").put("input", unknown)),
        400, "input[0].id");
  }

  @Test
  void aJsonSchemaFormatGetsAnObjectValidForIt() throws Exception {
    JsonObject schema = new JsonObject("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
        + "\"population\":{\"type\":\"integer\"}},\"required\":[\"city\",\"population\"],\"additionalProperties\":false}");
    JsonObject ask = new JsonObject().put("model", "deepseek-v4-flash").put("input", "A city")
        .put("text", new JsonObject().put("format", new JsonObject().put("type", "json_schema").put("name", "city")
            .put("schema", schema).put("strict", true)));
    JsonObject response = as(FULL, "/v1/responses", ask).json();
    String text = response.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text");
    JsonObject city = new JsonObject(text);
    assertThat(city.getValue("city")).isInstanceOf(String.class);
    assertThat(city.getValue("population")).isInstanceOf(Number.class);
    assertThat(response.getJsonObject("text").getJsonObject("format").getString("type")).isEqualTo("json_schema");
  }

  @Test
  void bothSurfacesFailOverWhenThePreferredEndpointIsDown() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("down", true));
    Reply responses = as(FULL, "/v1/responses", responses("deepseek-v4-flash", true));
    assertThat(responses.status()).isEqualTo(200);
    assertThat(responses.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(responses.header(MeridianHeaders.ATTEMPTS)).isEqualTo("2");
    Reply completions = as(FULL, "/v1/completions", new JsonObject().put("model", "deepseek-v4-flash").put("prompt", "Hi"));
    assertThat(completions.status()).isEqualTo(200);
    assertThat(completions.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
  }

  @Test
  void aFailureMidStreamEndsWithAnErrorEventAndResponseFailed() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("resetAfterChunks", 3));
    List<Map.Entry<String, JsonObject>> events = AnthropicMessagesTest.events(as(FULL, "/v1/responses", responses("deepseek-v4-flash", true)));
    assertThat(events.get(0).getKey()).isEqualTo("response.created");
    assertThat(events.get(events.size() - 2).getKey()).isEqualTo("error");
    assertThat(events.get(events.size() - 1).getKey()).isEqualTo("response.failed");
    assertThat(events.get(events.size() - 1).getValue().getJsonObject("response").getString("status")).isEqualTo("failed");
    assertThat(events).noneMatch(e -> e.getKey().equals("response.completed") || e.getKey().equals("response.incomplete"));
  }

  @Test
  void legacyCompletionsJsonAndStreamed() throws Exception {
    Reply json = as(FULL, "/v1/completions", new JsonObject().put("model", "deepseek-v4-flash").put("prompt", "Say hi").put("echo", true));
    assertThat(json.status()).isEqualTo(200);
    JsonObject completion = json.json();
    assertThat(completion.getString("object")).isEqualTo("text_completion");
    assertThat(completion.getString("id")).startsWith("cmpl-");
    JsonObject choice = completion.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("text")).startsWith("Say hi").hasSizeGreaterThan("Say hi".length());
    // The legacy default budget: 16 tokens.
    assertThat(completion.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(16);

    Reply stream = as(FULL, "/v1/completions", new JsonObject().put("model", "deepseek-v4-flash").put("prompt", "Say hi")
        .put("max_tokens", 12).put("stream", true).put("stream_options", new JsonObject().put("include_usage", true)));
    assertThat(stream.header("content-type")).startsWith("text/event-stream");
    String[] events = stream.body().toString().split("\n\n");
    assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    JsonObject usage = new JsonObject(events[events.length - 2].substring("data: ".length()));
    assertThat(usage.getJsonArray("choices")).isEmpty();
    assertThat(usage.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(12);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < events.length - 2; i++) {
      JsonObject chunk = new JsonObject(events[i].substring("data: ".length()));
      assertThat(chunk.getString("object")).isEqualTo("text_completion");
      text.append(chunk.getJsonArray("choices").getJsonObject(0).getString("text"));
    }
    assertThat(text.toString()).isNotBlank();
  }

  @Test
  void keysAndBadInputAreRefusedInTheOpenAiShapeWithTheirParam() throws Exception {
    assertOpenAiError(as(FLASH_ONLY, "/v1/responses", responses("kimi-k2.5", false)), 403, null);
    assertOpenAiError(as(FLASH_ONLY, "/v1/completions", new JsonObject().put("model", "kimi-k2.5").put("prompt", "x")), 403, null);
    assertOpenAiError(as(FULL, "/v1/responses", null), 400, null);
    assertOpenAiError(as(FULL, "/v1/responses", responses("deepseek-v4-flash", false).put("store", true)), 400, "store");
    assertOpenAiError(as(FULL, "/v1/responses", responses("deepseek-v4-flash", false).put("previous_response_id", "resp_1")),
        400, "previous_response_id");
    assertOpenAiError(as(FULL, "/v1/responses", responses("deepseek-v4-flash", false)
        .put("tools", new JsonArray().add(new JsonObject().put("type", "web_search")))), 400, "tools[0].type");
    assertOpenAiError(as(FULL, "/v1/completions", new JsonObject().put("model", "deepseek-v4-flash").put("prompt", new JsonArray().add(1))),
        400, "prompt");
    assertOpenAiError(as(FULL, "/v1/responses", responses("no-such-model", false)), 404, null);
    assertOpenAiError(as(FULL, "/v1/responses", responses("text-embedding-v4", false)), 400, "model");
  }
}
