package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/messages} and {@code /v1/messages/count_tokens} through the one pipeline, against the
 * simulator, translated to chat completions (the catalog here declares no provider's Messages API;
 * {@link NativeMessagesTest} has the pass-through): JSON and streamed answers, failover, a failure
 * mid-stream, and every refusal in Anthropic's error shape.
 */
class AnthropicMessagesTest extends RouterTestBase {
  static final String FULL = "sk-mer-test-anthropic-full-00000001";
  static final String FLASH_ONLY = "sk-mer-test-anthropic-flash-000002";
  static final String ONE_PER_MINUTE = "sk-mer-test-anthropic-slow-0000003";

  @Override
  AccessControl access() {
    return AccessControl.withKeys(ClientKeys.parse("{\"keys\":["
        + "{\"name\":\"full\",\"sha256\":\"" + KeyHash.sha256Hex(FULL) + "\"},"
        + "{\"name\":\"flash\",\"sha256\":\"" + KeyHash.sha256Hex(FLASH_ONLY) + "\",\"allow\":[\"deepseek-v4-flash\"]},"
        + "{\"name\":\"slow\",\"sha256\":\"" + KeyHash.sha256Hex(ONE_PER_MINUTE) + "\",\"requestsPerMinute\":1}]}", "test"));
  }

  @Override
  dev.meridian.core.catalog.Catalog catalog(dev.meridian.core.catalog.Catalog pointedAtSimulator) {
    return pointedAtSimulator.withoutAnthropicApis();
  }

  @BeforeEach
  void healthy() {
    observe("deepseek-v4-flash", "us-east", 50);
    observe("deepseek-v4-flash", "eu-west", 150);
    observe("kimi-k2.5", "us-east", 50);
  }

  static JsonObject messages(String model, boolean stream) {
    return new JsonObject().put("model", model).put("max_tokens", 40).put("stream", stream)
        .put("system", new JsonArray().add(new JsonObject().put("type", "text").put("text", "Be brief.")
            .put("cache_control", new JsonObject().put("type", "ephemeral"))))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Explain recursion")));
  }

  Reply as(String key, String path, JsonObject body) throws Exception {
    Map<String, String> headers = key == null ? Map.of("anthropic-version", "2023-06-01")
        : Map.of("x-api-key", key, "anthropic-version", "2023-06-01");
    return send(HttpMethod.POST, path, body == null ? Buffer.buffer("{\"model\":") : body.toBuffer(), headers);
  }

  /** The stream's events as (name, data) pairs, parsed. */
  static List<Map.Entry<String, JsonObject>> events(Reply reply) {
    List<Map.Entry<String, JsonObject>> events = new ArrayList<>();
    for (String block : reply.body().toString().split("\n\n")) {
      String name = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (data != null) {
        events.add(Map.entry(name, new JsonObject(data)));
      }
    }
    return events;
  }

  static void assertAnthropicError(Reply reply, int status, String type) {
    assertThat(reply.status()).isEqualTo(status);
    JsonObject body = reply.json();
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getJsonObject("error").getString("type")).isEqualTo(type);
    assertThat(body.getJsonObject("error").getString("message")).isNotBlank();
  }

  @Test
  void aJsonMessageWithTheClientsModelUsageAndStopReason() throws Exception {
    Reply reply = as(FULL, "/v1/messages", messages("deepseek-v4-flash", false));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("content-type")).startsWith("application/json");
    JsonObject message = reply.json();
    assertThat(message.getString("id")).startsWith("msg_");
    assertThat(message.getString("type")).isEqualTo("message");
    assertThat(message.getString("model")).isEqualTo("deepseek-v4-flash");
    assertThat(message.getJsonArray("content").getJsonObject(0).getString("type")).isEqualTo("text");
    assertThat(message.getJsonArray("content").getJsonObject(0).getString("text")).isNotBlank();
    // The simulator generates up to max_tokens and says so: finish_reason length.
    assertThat(message.getString("stop_reason")).isEqualTo("max_tokens");
    assertThat(message.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(40);
    assertThat(message.getJsonObject("usage").getInteger("input_tokens")).isPositive();
    assertThat(reply.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("deepseek-v4-flash");
  }

  @Test
  void aStreamInAnthropicsEventOrder() throws Exception {
    Reply reply = as(FULL, "/v1/messages", messages("deepseek-v4-flash", true));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("content-type")).startsWith("text/event-stream");
    List<Map.Entry<String, JsonObject>> events = events(reply);
    List<String> names = events.stream().map(Map.Entry::getKey).distinct().toList();
    assertThat(names).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
        "content_block_stop", "message_delta", "message_stop");
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, JsonObject> event : events) {
      assertThat(event.getValue().getString("type")).isEqualTo(event.getKey());
      if (event.getKey().equals("content_block_delta")) {
        text.append(event.getValue().getJsonObject("delta").getString("text"));
      }
    }
    assertThat(text.toString()).isNotBlank();
    JsonObject delta = events.get(events.size() - 2).getValue();
    assertThat(delta.getJsonObject("delta").getString("stop_reason")).isEqualTo("max_tokens");
    assertThat(delta.getJsonObject("usage").getInteger("output_tokens")).as("the provider's usage").isEqualTo(40);
  }

  @Test
  void aReasoningModelStreamsItsThinkingAsAThinkingBlockFirst() throws Exception {
    JsonObject body = messages("kimi-k2.5", true).put("max_tokens", 2000)
        .put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024));
    List<Map.Entry<String, JsonObject>> events = events(as(FULL, "/v1/messages", body));
    List<String> blocks = events.stream().filter(e -> e.getKey().equals("content_block_start"))
        .map(e -> e.getValue().getJsonObject("content_block").getString("type")).toList();
    assertThat(blocks).containsExactly("thinking", "text");
  }

  @Test
  void failsOverWhenThePreferredEndpointIsDown() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("down", true));
    Reply reply = as(FULL, "/v1/messages", messages("deepseek-v4-flash", true));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(reply.header(MeridianHeaders.ATTEMPTS)).isEqualTo("2");
    assertThat(events(reply).get(events(reply).size() - 1).getKey()).isEqualTo("message_stop");
  }

  @Test
  void anUpstreamFailureMidStreamEndsWithAnAnthropicErrorEvent() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("resetAfterChunks", 3));
    List<Map.Entry<String, JsonObject>> events = events(as(FULL, "/v1/messages", messages("deepseek-v4-flash", true)));
    assertThat(events.get(0).getKey()).isEqualTo("message_start");
    Map.Entry<String, JsonObject> last = events.get(events.size() - 1);
    assertThat(last.getKey()).isEqualTo("error");
    assertThat(last.getValue().getString("type")).isEqualTo("error");
    assertThat(last.getValue().getJsonObject("error").getString("type")).isEqualTo("api_error");
    assertThat(events).noneMatch(e -> e.getKey().equals("message_stop"));
  }

  @Test
  void refusalsBeforeAndInThePipelineAreAnthropicShaped() throws Exception {
    assertAnthropicError(as(null, "/v1/messages", messages("deepseek-v4-flash", false)), 401, "authentication_error");
    assertAnthropicError(as("sk-nobody", "/v1/messages", messages("deepseek-v4-flash", false)), 401, "authentication_error");
    assertAnthropicError(as(FLASH_ONLY, "/v1/messages", messages("kimi-k2.5", false)), 403, "permission_error");
    assertAnthropicError(as(FULL, "/v1/messages", messages("gpt-no-such-model", false)), 404, "not_found_error");
    assertAnthropicError(as(FULL, "/v1/messages", null), 400, "invalid_request_error");
    Reply noBudget = as(FULL, "/v1/messages", messages("deepseek-v4-flash", false).put("max_tokens", (Object) null));
    assertAnthropicError(noBudget, 400, "invalid_request_error");
    assertThat(noBudget.json().getJsonObject("error").getString("message")).startsWith("max_tokens: ");
    assertThat(as(ONE_PER_MINUTE, "/v1/messages", messages("deepseek-v4-flash", false)).status()).isEqualTo(200);
    assertAnthropicError(as(ONE_PER_MINUTE, "/v1/messages", messages("deepseek-v4-flash", false)), 429, "rate_limit_error");
  }

  @Test
  void theNamesClaudeCodeSendsReachTheCatalogsCodingModelsThroughTheAliases() throws Exception {
    observe("hunyuan-turbo", "us-east", 60);
    Reply haiku = as(FULL, "/v1/messages", messages("claude-haiku-4-5-20251001", false));
    assertThat(haiku.status()).isEqualTo(200);
    assertThat(haiku.header(MeridianHeaders.ROUTE_MODEL)).isIn("deepseek-v4-flash", "qwen3-32b");
    assertThat(haiku.header(MeridianHeaders.ROUTE_REASON)).contains("alias=claude-*haiku*");
    // The client's name comes back, as the Anthropic SDK expects.
    assertThat(haiku.json().getString("model")).isEqualTo("claude-haiku-4-5-20251001");
    Reply sonnet = as(FULL, "/v1/messages", messages("claude-sonnet-4-5-20250929", true));
    assertThat(sonnet.status()).isEqualTo(200);
    assertThat(sonnet.header(MeridianHeaders.ROUTE_MODEL)).isIn("hunyuan-turbo", "deepseek-v4-pro");
    assertThat(events(sonnet).get(events(sonnet).size() - 1).getKey()).isEqualTo("message_stop");
    // A key limited to one model reaches it through an alias whose chain has it, and no other.
    Reply flashHaiku = as(FLASH_ONLY, "/v1/messages", messages("claude-3-5-haiku-latest", false));
    assertThat(flashHaiku.status()).isEqualTo(200);
    assertThat(flashHaiku.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("deepseek-v4-flash");
    assertAnthropicError(as(FLASH_ONLY, "/v1/messages", messages("claude-opus-4-1", false)), 403, "permission_error");
    // Served requests are labelled by the model that served, refused ones by the pattern: the names
    // agents send (dated, any number of them) never become label values.
    // The refusal's record is counted once its exchange ends, which may follow the reply.
    awaitCondition(java.time.Duration.ofSeconds(5),
        () -> registry.scrape().contains("model=\"claude-*opus*\",outcome=\"client_error\""));
    String scrape = registry.scrape();
    assertThat(scrape)
        .doesNotContain("claude-haiku-4-5-20251001", "claude-opus-4-1\"");
  }

  @Test
  void theModelsListShowsTheAliasesAndALookupByAnAgentsNameFindsOne() throws Exception {
    Map<String, String> anthropic = Map.of("x-api-key", FULL, "anthropic-version", "2023-06-01");
    JsonArray data = send(HttpMethod.GET, "/v1/models", null, anthropic).json().getJsonArray("data");
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      JsonObject meridian = data.getJsonObject(i).getJsonObject("meridian");
      if ("alias".equals(meridian.getString("kind"))) {
        aliases.add(data.getJsonObject(i).getString("id"));
      }
    }
    assertThat(aliases).containsExactly("claude-*haiku*", "claude-*sonnet*", "claude-*opus*");
    Reply lookup = send(HttpMethod.GET, "/v1/models/claude-sonnet-4-5", null, anthropic);
    assertThat(lookup.status()).isEqualTo(200);
    assertThat(lookup.json().getString("id")).isEqualTo("claude-sonnet-4-5");
    assertThat(lookup.json().getString("type")).isEqualTo("model");
    JsonArray firstStep = lookup.json().getJsonObject("meridian").getJsonArray("steps").getJsonObject(0).getJsonArray("models");
    assertThat(firstStep.getList()).containsExactlyInAnyOrder("hunyuan-turbo", "deepseek-v4-pro");
    // The flash-only key sees the aliases whose chains reach its one model.
    JsonArray flashData = send(HttpMethod.GET, "/v1/models", null, Map.of("x-api-key", FLASH_ONLY, "anthropic-version",
        "2023-06-01")).json().getJsonArray("data");
    List<String> flashIds = new ArrayList<>();
    flashData.forEach(entry -> flashIds.add(((JsonObject) entry).getString("id")));
    assertThat(flashIds).contains("claude-*haiku*").doesNotContain("claude-*sonnet*", "claude-*opus*");
  }

  @Test
  void aProvidersOwn400IsRelayedInAnthropicsShape() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("errorRate", 1.0).put("errorStatus", 400));
    assertAnthropicError(as(FULL, "/v1/messages", messages("deepseek-v4-flash", false)), 400, "invalid_request_error");
  }

  @Test
  void countTokensAnswersMeridiansEstimateWithoutAskingAProvider() throws Exception {
    JsonObject stats = simulatorAdmin(HttpMethod.GET, "/admin/stats", null);
    // count_tokens takes no max_tokens.
    Reply reply = as(FULL, "/v1/messages/count_tokens", messages("deepseek-v4-flash", false).put("max_tokens", (Object) null));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().fieldNames()).containsExactly("input_tokens");
    // "Be brief." and "Explain recursion": 26 characters, about 7 tokens.
    assertThat(reply.json().getLong("input_tokens")).isEqualTo(7);
    assertThat(simulatorAdmin(HttpMethod.GET, "/admin/stats", null)).isEqualTo(stats);
    assertAnthropicError(as(null, "/v1/messages/count_tokens", messages("deepseek-v4-flash", false)), 401, "authentication_error");
    assertAnthropicError(as(FLASH_ONLY, "/v1/messages/count_tokens", messages("kimi-k2.5", false)), 403, "permission_error");
    assertAnthropicError(as(FULL, "/v1/messages/count_tokens", messages("gpt-no-such-model", false)), 404, "not_found_error");
    // An agent's name that an alias matches is counted like the model it would reach.
    assertThat(as(FULL, "/v1/messages/count_tokens", messages("claude-haiku-4-5", false).put("max_tokens", (Object) null))
        .json().getLong("input_tokens")).isEqualTo(7);
    assertAnthropicError(as(FULL, "/v1/messages/count_tokens", null), 400, "invalid_request_error");
  }

  @Test
  void answersOutsideTheSurfaceAreAnthropicShapedUnderAnthropicVersion() throws Exception {
    Map<String, String> anthropic = Map.of("x-api-key", FULL, "anthropic-version", "2023-06-01");
    Reply unknownPath = send(HttpMethod.POST, "/v1/messages/batches", Buffer.buffer("{}"), anthropic);
    assertAnthropicError(unknownPath, 404, "not_found_error");
    assertThat(unknownPath.json().getJsonObject("error").getString("message")).contains("/v1/messages");
    assertAnthropicError(send(HttpMethod.GET, "/v1/messages", null, anthropic), 405, "invalid_request_error");
    assertAnthropicError(send(HttpMethod.GET, "/v1/models/gpt-no-such-model", null, anthropic), 404, "not_found_error");
    assertAnthropicError(send(HttpMethod.GET, "/v1/models", null, Map.of("anthropic-version", "2023-06-01")), 401,
        "authentication_error");
    // Without the header, the same answers stay OpenAI-shaped.
    Reply openAi = send(HttpMethod.POST, "/v1/messages/batches", Buffer.buffer("{}"), Map.of("authorization", "Bearer " + FULL));
    assertThat(openAi.status()).isEqualTo(404);
    assertThat(openAi.json().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
    assertThat(openAi.json().containsKey("type")).isFalse();
  }
}
