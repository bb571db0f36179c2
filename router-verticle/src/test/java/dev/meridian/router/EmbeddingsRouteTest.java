package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/embeddings} through the one pipeline against the simulator: routed to the fastest
 * healthy region of the model named, failed over across its regions, refused for a key that may not use
 * it, billed by the provider's usage, and never mixed up with chat.
 */
class EmbeddingsRouteTest extends RouterTestBase {
  static final String FULL = "sk-mer-test-embeddings-full-00001";
  static final String FLASH_ONLY = "sk-mer-test-embeddings-flash-0002";
  static final String MODEL = "text-embedding-v4";

  @Override
  AccessControl access() {
    String file = "{\"keys\":["
        + "{\"name\":\"full\",\"sha256\":\"" + KeyHash.sha256Hex(FULL) + "\",\"maxTokens\":20},"
        + "{\"name\":\"flash\",\"sha256\":\"" + KeyHash.sha256Hex(FLASH_ONLY) + "\",\"allow\":[\"deepseek-v4-flash\"]}]}";
    return AccessControl.withKeys(ClientKeys.parse(file, "test"));
  }

  @BeforeEach
  void healthy() {
    observe(MODEL, "us-east", 40);
    observe(MODEL, "eu-west", 90);
    observe(MODEL, "ap-southeast", 200);
  }

  Reply embed(String key, JsonObject body) throws Exception {
    return send(HttpMethod.POST, "/v1/embeddings", body.toBuffer(), Map.of("authorization", "Bearer " + key));
  }

  static JsonObject request(Object input) {
    return new JsonObject().put("model", MODEL).put("input", input);
  }

  @Test
  void aBatchIsAnsweredFromTheFastestRegionAndBilledByTheProvidersUsage() throws Exception {
    Reply reply = embed(FULL, request(new JsonArray().add("first text").add("second text")).put("dimensions", 512));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("x-meridian-region")).isEqualTo("us-east");
    assertThat(reply.header("x-meridian-model")).isEqualTo(MODEL);
    JsonObject body = reply.json();
    assertThat(body.getJsonArray("data")).hasSize(2);
    assertThat(body.getJsonArray("data").getJsonObject(1).getJsonArray("embedding")).hasSize(512);
    long promptTokens = body.getJsonObject("usage").getLong("prompt_tokens");
    assertThat(reply.header("x-meridian-prompt-tokens")).isEqualTo(Long.toString(promptTokens));
    assertThat(reply.header("x-meridian-completion-tokens")).isEqualTo("0");
    assertThat(reply.header("x-meridian-usage-source")).isEqualTo("provider");
    ExchangeRecord record = awaitExchange(r -> r.status() == 200);
    double price = catalog.model(MODEL).inputDollarsPerMillion();
    assertThat(record.costDollars()).isCloseTo(promptTokens * price / 1e6, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(record.streamed()).isFalse();
  }

  @Test
  void theFastestRegionDownFailsOverToTheSameModelElsewhere() throws Exception {
    fault(MODEL, "us-east", new JsonObject().put("errorRate", 1.0).put("errorStatus", 503));
    Reply reply = embed(FULL, request("hello"));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("x-meridian-region")).isEqualTo("eu-west");
    assertThat(reply.header("x-meridian-model")).as("never another embedding model").isEqualTo(MODEL);
    assertThat(reply.header("x-meridian-attempts")).isEqualTo("2");
  }

  @Test
  void aKeyThatMayNotUseTheModelIs403() throws Exception {
    Reply reply = embed(FLASH_ONLY, request("hello"));
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().getJsonObject("error").getString("type")).isEqualTo("permission_error");
  }

  @Test
  void malformedInputAndTheWrongKindOfModelAre400sInOpenAisShape() throws Exception {
    Reply empty = embed(FULL, request(new JsonArray()));
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().getJsonObject("error").getString("param")).isEqualTo("input");
    Reply tier = embed(FULL, request("x").put("model", "budget"));
    assertThat(tier.status()).isEqualTo(400);
    assertThat(tier.json().getJsonObject("error").getString("code")).isEqualTo("model_kind_mismatch");
    Reply chatModel = embed(FULL, request("x").put("model", "deepseek-v4-flash"));
    assertThat(chatModel.status()).isEqualTo(400);
    assertThat(chatModel.json().getJsonObject("error").getString("param")).isEqualTo("model");
    Reply chatOnEmbedding = send(HttpMethod.POST, "/v1/chat/completions", chat(MODEL, false).toBuffer(),
        Map.of("authorization", "Bearer " + FULL));
    assertThat(chatOnEmbedding.status()).isEqualTo(400);
    assertThat(chatOnEmbedding.json().getJsonObject("error").getString("message")).contains("/v1/embeddings");
    // What the model itself refuses comes back as the provider said it, with its param.
    Reply dimensions = embed(FULL, request("x").put("dimensions", 100));
    assertThat(dimensions.status()).isEqualTo(400);
    assertThat(dimensions.json().getJsonObject("error").getString("param")).isEqualTo("dimensions");
  }

  @Test
  void theKeysOutputCapIsNotAddedToAnEmbeddingsRequest() throws Exception {
    // The key caps chat output at 20 tokens. The simulator, like OpenAI, refuses max_tokens on
    // embeddings with a 400: a 200 here means the cap was not carried over.
    Reply reply = embed(FULL, request("hello"));
    assertThat(reply.status()).isEqualTo(200);
    Reply chatReply = send(HttpMethod.POST, "/v1/chat/completions",
        chat("deepseek-v4-flash", false).put("max_tokens", 50).toBuffer(), Map.of("authorization", "Bearer " + FULL));
    assertThat(chatReply.status()).as("the cap still applies to chat").isEqualTo(400);
  }
}
