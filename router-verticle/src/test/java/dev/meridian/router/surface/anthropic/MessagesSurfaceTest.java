package dev.meridian.router.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.Usage;
import dev.meridian.router.surface.Surface;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The adapter's wiring without a server: a provider's tool calls (which the simulator never makes)
 * through the relay and the JSON path, and a provider's 4xx and secrets re-shaped.
 */
class MessagesSurfaceTest {
  private static final String KEY = "sk-provider-secret-0123456789abcdef";
  private static final Catalog CATALOG = CatalogLoader.loadDefault();
  private final MessagesSurface surface = new MessagesSurface(() -> new SecretRedactor(Set.of(KEY)), () -> CATALOG);

  private Surface.Answer answer(boolean stream) {
    String body = "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":50,\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"Read a.txt\"}],\"tools\":[{\"name\":\"read\",\"input_schema\":{\"type\":\"object\"}}]}";
    Surface.Parsed parsed = surface.parse(Buffer.buffer(body), null);
    return surface.answer(parsed, parsed.chat(), "req_1");
  }

  @Test
  void aStreamedToolCallBecomesATextBlockThenATool_useBlockWithItsArguments() {
    String upstream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Reading.\"}}]}\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_7\",\"type\":\"function\","
        + "\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\"}}]}}]}\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"a.txt\\\"}\"}}]}}]}\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":6}}\n\n"
        + "data: [DONE]\n\n";
    Surface.StreamRelay relay = answer(true).stream();
    String wire = relay.accept(Buffer.buffer(upstream)).toString() + relay.end().toString();
    List<JsonObject> events = new ArrayList<>();
    for (String block : wire.split("\n\n")) {
      events.add(new JsonObject(block.substring(block.indexOf("data: ") + 6)));
    }
    List<String> types = events.stream().map(e -> e.getString("type")).toList();
    assertThat(types).containsExactly("message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    JsonObject toolStart = events.get(5).getJsonObject("content_block");
    assertThat(toolStart.getString("type")).isEqualTo("tool_use");
    assertThat(toolStart.getString("id")).isEqualTo("toolu_call_7");
    String arguments = events.get(6).getJsonObject("delta").getString("partial_json") + events.get(7).getJsonObject("delta").getString("partial_json");
    assertThat(new JsonObject(arguments)).isEqualTo(new JsonObject().put("path", "a.txt"));
    JsonObject messageDelta = events.get(9);
    assertThat(messageDelta.getJsonObject("delta").getString("stop_reason")).isEqualTo("tool_use");
    assertThat(messageDelta.getJsonObject("usage").getLong("output_tokens")).isEqualTo(6);
    assertThat(relay.usage(0)).as("billing reads the provider's usage").isEqualTo(new Usage(11, 6, false));
  }

  @Test
  void aWholeToolCallBecomesATool_useBlockWithItsInputObject() {
    String completion = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_8\","
        + "\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a.txt\\\"}\"}}]},"
        + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":6}}";
    JsonObject message = answer(false).body(Buffer.buffer(completion)).toJsonObject();
    assertThat(message.getString("stop_reason")).isEqualTo("tool_use");
    JsonObject block = message.getJsonArray("content").getJsonObject(0);
    assertThat(block.getString("id")).isEqualTo("toolu_call_8");
    assertThat(block.getJsonObject("input")).isEqualTo(new JsonObject().put("path", "a.txt"));
  }

  @Test
  void aProvidersErrorMidStreamIsAnAnthropicErrorEventWithoutItsKey() {
    Surface.StreamRelay relay = answer(true).stream();
    String wire = relay.accept(Buffer.buffer("data: {\"error\":{\"message\":\"bad key " + KEY + "\"}}\n\n")).toString();
    String last = wire.substring(wire.lastIndexOf("event: "));
    assertThat(last).startsWith("event: error\n");
    JsonObject error = new JsonObject(last.substring(last.indexOf("data: ") + 6).trim());
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getJsonObject("error").getString("type")).isEqualTo("api_error");
    assertThat(wire).doesNotContain(KEY);
  }

  @Test
  void aProviders4xxIsRelayedInAnthropicsShapeWithItsMessage() {
    JsonObject body = answer(false).clientError(422, "{\"error\":{\"message\":\"tools[0] is invalid\"}}").toJsonObject();
    assertThat(body).isEqualTo(new JsonObject(
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"tools[0] is invalid\"}}"));
  }
}
