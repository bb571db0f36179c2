package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/models/{id}} (the SDKs' models.retrieve) and the Anthropic shape of both model routes. */
class ModelsEndpointTest extends RouterTestBase {
  private static final Map<String, String> ANTHROPIC = Map.of("anthropic-version", "2023-06-01");

  Reply get(String path, Map<String, String> headers) throws Exception {
    return send(HttpMethod.GET, path, null, headers);
  }

  @Test
  void retrieveAnswersTheSameObjectTheListHolds() throws Exception {
    observe("glm-5", "ap-southeast", 420);
    JsonObject listed = get("/v1/models", Map.of()).json().getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(o -> o.getString("id").equals("glm-5")).findFirst().orElseThrow();

    Reply reply = get("/v1/models/glm-5", Map.of());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("content-type")).startsWith("application/json");
    assertThat(reply.json()).isEqualTo(listed);
    assertThat(reply.json().getString("object")).isEqualTo("model");
    assertThat(reply.json().getJsonObject("meridian").getJsonArray("regions").encode())
        .contains("\"region\":\"ap-southeast\",\"status\":\"healthy\"");
  }

  @Test
  void tiersAndAutoCanBeRetrieved() throws Exception {
    for (String id : List.of("ultra-budget", "budget", "mid-range", "premium", "auto")) {
      Reply reply = get("/v1/models/" + id, Map.of());
      assertThat(reply.status()).as(id).isEqualTo(200);
      assertThat(reply.json().getString("id")).isEqualTo(id);
      assertThat(reply.json().getString("owned_by")).isEqualTo("meridian");
    }
  }

  @Test
  void anUnknownModelIs404InTheOpenAiShape() throws Exception {
    Reply reply = get("/v1/models/gpt-9", Map.of());
    assertThat(reply.status()).isEqualTo(404);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("model_not_found");
    assertThat(error.getString("param")).isEqualTo("model");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("message")).contains("gpt-9");
    // Not a retry-worthy failure: the SDKs' own rule (no retry on 404) applies.
    assertThat(reply.header(ErrorResponder.SHOULD_RETRY)).isNull();
  }

  @Test
  void idsWithSlashesAndDotsWorkRawAndUrlEncoded() throws Exception {
    String json = new String(
        CatalogLoader.class.getClassLoader().getResourceAsStream(CatalogLoader.DEFAULT_RESOURCE).readAllBytes(),
        StandardCharsets.UTF_8);
    Catalog slashed = CatalogLoader.parse(json.replace("\"qwen3-8b\"", "\"qwen/qwen3.8b\""), "slashed catalog");
    router = new RouterVerticle(slashed, routerOptions(), health, POLICY, ApiKeys.of(Map.of()), () -> true, r -> {});
    await(vertx.deployVerticle(router));

    for (String path : List.of("/v1/models/qwen/qwen3.8b", "/v1/models/qwen%2Fqwen3.8b", "/v1/models/qwen%2fqwen3%2E8b")) {
      Reply reply = get(path, Map.of());
      assertThat(reply.status()).as(path).isEqualTo(200);
      assertThat(reply.json().getString("id")).as(path).isEqualTo("qwen/qwen3.8b");
      assertThat(reply.json().getString("owned_by")).isEqualTo("qwen");
    }
    Reply unknown = get("/v1/models/qwen/nothing", Map.of());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getJsonObject("error").getString("message")).contains("'qwen/nothing'");
  }

  @Test
  void withAnAnthropicVersionHeaderBothRoutesAnswerInAnthropicsShape() throws Exception {
    JsonObject list = get("/v1/models", ANTHROPIC).json();
    assertThat(list.getBoolean("has_more")).isFalse();
    assertThat(list.getJsonArray("data")).hasSize(catalog.models().size() + 4 + 1 + catalog.aliases().all().size());
    JsonObject first = list.getJsonArray("data").getJsonObject(0);
    assertThat(first.getString("type")).isEqualTo("model");
    assertThat(first.getString("display_name")).isNotBlank();
    assertThat(java.time.Instant.parse(first.getString("created_at"))).isNotNull();
    assertThat(list.getString("first_id")).isEqualTo(first.getString("id"));
    assertThat(list.getString("last_id")).isEqualTo("claude-*opus*");
    assertThat(list.containsKey("object")).isFalse();

    JsonObject glm = get("/v1/models/glm-5", ANTHROPIC).json();
    assertThat(glm.getString("type")).isEqualTo("model");
    assertThat(glm.getString("id")).isEqualTo("glm-5");
    assertThat(glm.getString("display_name")).isEqualTo("glm-5");
    assertThat(glm.containsKey("object")).isFalse();
    assertThat(glm.getJsonObject("meridian").getString("tier")).isNotBlank();
  }
}
