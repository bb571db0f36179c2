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
 * {@code POST /v1/messages} passed through to the providers whose catalog entry declares an
 * Anthropic-compatible Messages API (the default catalog: DeepSeek, Kimi, GLM, MiniMax), against the
 * simulator's Messages endpoints: answers carry the provider's own message ids ({@code msg_sim...}),
 * billing reads Anthropic's usage, a fallback without the API is translated, and failures keep
 * Anthropic's shape.
 */
class NativeMessagesTest extends RouterTestBase {
  static final String FULL = "sk-mer-test-native-full-000000001";

  @Override
  AccessControl access() {
    return AccessControl.withKeys(ClientKeys.parse("{\"keys\":["
        + "{\"name\":\"full\",\"sha256\":\"" + KeyHash.sha256Hex(FULL) + "\"}]}", "test"));
  }

  @BeforeEach
  void healthy() {
    observe("deepseek-v4-flash", "us-east", 50);
    observe("deepseek-v4-flash", "eu-west", 150);
    observe("qwen3-32b", "us-east", 100);
  }

  static JsonObject messages(String model, boolean stream) {
    return new JsonObject().put("model", model).put("max_tokens", 40).put("stream", stream).put("top_k", 5)
        .put("system", "Be brief.")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Explain recursion")));
  }

  Reply as(String key, JsonObject body) throws Exception {
    return send(HttpMethod.POST, "/v1/messages", body.toBuffer(), Map.of("x-api-key", key, "anthropic-version", "2023-06-01"));
  }

  @Test
  void aJsonAnswerIsTheProvidersOwnWithTheClientsModelNameAndItsUsageBilled() throws Exception {
    Reply reply = as(FULL, messages("deepseek-v4-flash", false));
    assertThat(reply.status()).isEqualTo(200);
    JsonObject message = reply.json();
    assertThat(message.getString("id")).as("the provider's id: passed through").startsWith("msg_sim");
    assertThat(message.getString("model")).isEqualTo("deepseek-v4-flash");
    assertThat(message.getString("stop_reason")).isEqualTo("max_tokens");
    assertThat(message.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(40);
    assertThat(reply.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("deepseek-v4-flash");
    assertThat(reply.header(ExchangeDriver.COMPLETION_TOKENS_HEADER)).isEqualTo("40");
    assertThat(reply.header(ExchangeDriver.USAGE_SOURCE_HEADER)).isEqualTo("provider");
  }

  @Test
  void aStreamIsRelayedEventByEventWithItsUsageRead() throws Exception {
    Reply reply = as(FULL, messages("deepseek-v4-flash", true));
    assertThat(reply.status()).isEqualTo(200);
    List<Map.Entry<String, JsonObject>> events = AnthropicMessagesTest.events(reply);
    assertThat(events.get(0).getKey()).isEqualTo("message_start");
    JsonObject start = events.get(0).getValue().getJsonObject("message");
    assertThat(start.getString("id")).startsWith("msg_sim");
    assertThat(start.getString("model")).isEqualTo("deepseek-v4-flash");
    assertThat(events.get(events.size() - 1).getKey()).isEqualTo("message_stop");
    JsonObject delta = events.get(events.size() - 2).getValue();
    assertThat(delta.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(40);
    ExchangeRecord record = awaitExchange(r -> r.api().equals("messages"));
    assertThat(record.usage().completionTokens()).isEqualTo(40);
    assertThat(record.usage().estimated()).isFalse();
  }

  @Test
  void aFallbackWithoutTheApiIsTranslatedAndReadsTheSame() throws Exception {
    // The haiku alias: deepseek-v4-flash (its own Messages API) first, qwen3-32b (chat completions only) next.
    Reply first = as(FULL, messages("claude-haiku-4-5-20251001", false));
    assertThat(first.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("deepseek-v4-flash");
    assertThat(first.json().getString("id")).startsWith("msg_sim");
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("down", true));
    observeDown("deepseek-v4-flash", "eu-west");
    Reply fallback = as(FULL, messages("claude-haiku-4-5-20251001", false));
    assertThat(fallback.status()).isEqualTo(200);
    assertThat(fallback.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("qwen3-32b");
    JsonObject translated = fallback.json();
    assertThat(translated.getString("id")).startsWith("msg_").doesNotStartWith("msg_sim");
    assertThat(translated.getString("model")).as("both paths say the client's name")
        .isEqualTo(first.json().getString("model")).isEqualTo("claude-haiku-4-5-20251001");
  }

  @Test
  void aFailureMidStreamEndsWithAnAnthropicErrorEventAndCountsAsBroken() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("resetAfterChunks", 3));
    List<Map.Entry<String, JsonObject>> events = AnthropicMessagesTest.events(as(FULL, messages("deepseek-v4-flash", true)));
    assertThat(events.get(0).getKey()).isEqualTo("message_start");
    Map.Entry<String, JsonObject> last = events.get(events.size() - 1);
    assertThat(last.getKey()).isEqualTo("error");
    assertThat(last.getValue().getJsonObject("error").getString("type")).isEqualTo("api_error");
    assertThat(events).noneMatch(e -> e.getKey().equals("message_stop"));
  }

  @Test
  void anErrorEventFromTheProviderIsRelayedInAnthropicsShape() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("errorAfterChunks", 2));
    List<Map.Entry<String, JsonObject>> events = AnthropicMessagesTest.events(as(FULL, messages("deepseek-v4-flash", true)));
    Map.Entry<String, JsonObject> last = events.get(events.size() - 1);
    assertThat(last.getKey()).isEqualTo("error");
    assertThat(last.getValue().getString("type")).isEqualTo("error");
    assertThat(awaitExchange(r -> r.api().equals("messages")).outcome()).isNotEqualTo("ok");
  }

  @Test
  void aProvidersOwn400KeepsItsStatusInAnthropicsShape() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("errorRate", 1.0).put("errorStatus", 400));
    Reply reply = as(FULL, messages("deepseek-v4-flash", false));
    AnthropicMessagesTest.assertAnthropicError(reply, 400, "invalid_request_error");
  }

  @Test
  void failsOverToAnotherRegionsOwnApi() throws Exception {
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("down", true));
    Reply reply = as(FULL, messages("deepseek-v4-flash", true));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(reply.header(MeridianHeaders.ATTEMPTS)).isEqualTo("2");
    assertThat(AnthropicMessagesTest.events(reply).get(0).getValue().getJsonObject("message").getString("id")).startsWith("msg_sim");
  }
}
