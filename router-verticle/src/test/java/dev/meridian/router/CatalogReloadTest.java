package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.routing.RoutingRules;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reload that adds a provider and a model: everything derived from the catalog follows it. Before the
 * one run-time view, the redactor and the metric labels kept the starting catalog's providers and models.
 */
class CatalogReloadTest {
  private static final String KEY_ENV = "RELOADED_PROVIDER_KEY";
  private static final String KEY = "sk-reloaded-provider-secret-0123456789abcdef";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    RouterTestBase.await(vertx.close());
  }

  /** The default catalog plus a provider (with a key) and a model it alone serves, at {@code baseUrl}. */
  static Catalog withAddedProvider(String baseUrl) throws Exception {
    String json;
    try (var in = CatalogReloadTest.class.getClassLoader().getResourceAsStream(CatalogLoader.DEFAULT_RESOURCE)) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    JsonObject catalog = new JsonObject(json);
    catalog.getJsonArray("providers").add(new JsonObject()
        .put("id", "reloaded").put("name", "Reloaded").put("apiKeyEnv", KEY_ENV)
        .put("baseUrls", new JsonObject().put("us-east", baseUrl)));
    JsonObject model = catalog.getJsonArray("models").getJsonObject(0).copy()
        .put("id", "reloaded-model").put("upstreamId", "reloaded-model").put("provider", "reloaded")
        .put("regions", new JsonArray().add("us-east"));
    catalog.getJsonArray("models").add(model);
    return CatalogLoader.parse(catalog.encode(), "reloaded");
  }

  private record Answer(int status, String provider, String body) {}

  /** Request and body read in one chain on an event loop (see RouterTestBase.onContext for why). */
  private Answer post(HttpClient client, int port, Buffer body) throws Exception {
    io.vertx.core.Promise<Answer> answer = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> client
        .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json"))
        .compose(r -> r.send(body))
        .compose(response -> response.body()
            .map(b -> new Answer(response.statusCode(), response.getHeader("x-meridian-provider"), b.toString())))
        .onComplete(answer));
    return RouterTestBase.await(answer.future());
  }

  @Test
  void aReloadedProvidersKeyIsRedactedAndItsModelLabelledByName() throws Exception {
    // A provider that echoes the key it was sent in a 400, as some do.
    HttpServer echo = RouterTestBase.await(vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> request.response().setStatusCode(400)
            .putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", new JsonObject()
                .put("message", "bad request for key " + String.valueOf(request.getHeader("authorization")).replace("Bearer ", ""))
                .put("type", "invalid_request_error")).encode())))
        .listen(0, "127.0.0.1"));
    Catalog start = CatalogLoader.loadDefault();
    RoutingRules rules = new RoutingRules(start, HealthPolicy.DEFAULT);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RouterMetrics metrics = new RouterMetrics(registry, rules::catalog);
    RouterVerticle router =
        new RouterVerticle(start, new RouterOptions().setRegion("us-east").setPort(0), new HealthState(),
                HealthPolicy.DEFAULT, ApiKeys.of(Map.of(KEY_ENV, KEY)), () -> true, metrics::onExchange)
            .withRules(rules)
            .withMetrics(registry);
    RouterTestBase.await(vertx.deployVerticle(router));

    rules.replace(withAddedProvider("http://127.0.0.1:" + echo.actualPort() + "/v1"));

    HttpClient client = vertx.createHttpClient();
    Buffer request = new JsonObject().put("model", "reloaded-model")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).toBuffer();
    Answer answer = post(client, router.actualPort(), request);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.provider()).isEqualTo("reloaded");
    assertThat(answer.body()).doesNotContain(KEY).contains("[REDACTED]");

    // Refused before routing (an invalid field): labelled by the requested name, which the reload added.
    Buffer invalid = new JsonObject(request.toString()).put("max_tokens", -5).toBuffer();
    assertThat(post(client, router.actualPort(), invalid).status()).isEqualTo(400);
    RouterTestBase.awaitCondition(java.time.Duration.ofSeconds(5), () -> registry.scrape().lines()
        .anyMatch(line -> line.startsWith("meridian_requests_total{") && line.contains("model=\"reloaded-model\"")
            && line.contains("provider=\"none\"")));
  }
}
