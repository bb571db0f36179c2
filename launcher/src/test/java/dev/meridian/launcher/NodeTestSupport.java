package dev.meridian.launcher;

import com.hazelcast.core.HazelcastInstance;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.router.ExchangeListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Starting whole nodes in tests, with a small catalog so probe rounds take milliseconds. */
final class NodeTestSupport {
  private NodeTestSupport() {}

  /** The default catalog cut down to {@code models}, written to a temp file. */
  static Path catalogOf(Path dir, Set<String> models) throws IOException {
    JsonObject catalog;
    try (InputStream in =
        NodeTestSupport.class.getClassLoader().getResourceAsStream(CatalogLoader.DEFAULT_RESOURCE)) {
      catalog = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    JsonArray kept = new JsonArray();
    for (Object model : catalog.getJsonArray("models")) {
      if (models.contains(((JsonObject) model).getString("id"))) {
        kept.add(model);
      }
    }
    catalog.put("models", kept);
    // The default chains name models this cut drops.
    catalog.remove("fallbacks");
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, catalog.encodePrettily());
    return file;
  }

  /**
   * Like {@link #catalogOf}, but also cuts the catalog's fallback chains down to the kept models: steps
   * naming a dropped model or a tier left without models go, and so do chains left empty or keyed by a
   * dropped model. The route is then decided by health alone among the kept models.
   */
  static Path prunedCatalogOf(Path dir, Set<String> models) throws IOException {
    Path file = catalogOf(dir, models);
    JsonObject catalog = new JsonObject(Files.readString(file));
    JsonObject chains = catalog.getJsonObject("fallbacks");
    if (chains != null) {
      Set<String> keptTiers = new java.util.HashSet<>();
      for (Object model : catalog.getJsonArray("models")) {
        keptTiers.add(((JsonObject) model).getString("tier"));
      }
      JsonObject pruned = new JsonObject();
      for (String name : chains.fieldNames()) {
        if (!models.contains(name) && !keptTiers.contains(name)) {
          continue;
        }
        JsonArray steps = new JsonArray();
        for (Object item : chains.getJsonArray(name)) {
          JsonObject step = (JsonObject) item;
          String model = step.getString("model");
          String tier = step.getString("tier");
          if ((model != null && models.contains(model)) || (tier != null && keptTiers.contains(tier))) {
            steps.add(step);
          }
        }
        if (!steps.isEmpty()) {
          pruned.put(name, steps);
        }
      }
      catalog.put("fallbacks", pruned);
      Files.writeString(file, catalog.encodePrettily());
    }
    return file;
  }

  static MeridianNode start(List<String> args, Map<String, String> env) throws Exception {
    MeridianConfig config = MeridianConfig.parse(args.toArray(String[]::new), env);
    return MeridianNode.start(config, env, ExchangeListener.NONE).await(60, TimeUnit.SECONDS);
  }

  static Map<String, String> clusterEnv(String clusterName) {
    Map<String, String> env = new HashMap<>();
    env.put("MERIDIAN_CLUSTER_NAME", clusterName);
    return env;
  }

  record Reply(int status, Map<String, String> headers, Buffer body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  static Reply chat(HttpClient client, int port, String model) throws Exception {
    JsonObject body =
        new JsonObject()
            .put("model", model)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    return client
        .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json"))
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(b -> toReply(response, b)))
        .await(20, TimeUnit.SECONDS);
  }

  static Future<Buffer> admin(HttpClient client, int port, HttpMethod method, String path, JsonObject body) {
    return client
        .request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path))
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(HttpClientResponse::body);
  }

  private static Reply toReply(HttpClientResponse response, Buffer body) {
    Map<String, String> headers = new HashMap<>();
    response.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
    return new Reply(response.statusCode(), headers, body);
  }

  /** Re-checks {@code condition} every 20 ms until it holds or the timeout passes. */
  static void awaitCondition(Duration timeout, Supplier<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  static HttpClient client(Vertx vertx) {
    return vertx.createHttpClient();
  }

  /** Like {@link #chat(HttpClient, int, String)}, streaming or not; a stream is read to its end. */
  static Reply chat(HttpClient client, int port, String model, boolean stream) throws Exception {
    return chat(client, port, model, stream, Map.of());
  }

  /** Same, with extra request headers (e.g. the per-request deadline headers). */
  static Reply chat(HttpClient client, int port, String model, boolean stream, Map<String, String> headers)
      throws Exception {
    JsonObject body =
        new JsonObject()
            .put("model", model)
            .put("stream", stream)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    return client
        .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json"))
        .compose(request -> {
          headers.forEach(request::putHeader);
          return request.send(body.toBuffer());
        })
        .compose(response -> response.body().map(b -> toReply(response, b)))
        .await(20, TimeUnit.SECONDS);
  }

  /**
   * Plays a successful probe of {@code model@endpointRegion} from {@code observerRegion} with this TTFT
   * into the node's local state, stamped a minute ahead so that no real probe result replaces it.
   */
  static void observeHealthy(MeridianNode node, String observerRegion, String model, String endpointRegion,
      double ttftMs) {
    HealthKey key = new HealthKey(observerRegion, model, endpointRegion);
    node.healthState().put(EndpointHealth.unobserved(key)
        .record(ProbeResult.success(key, System.currentTimeMillis() + 60_000, ttftMs, 60), HealthPolicy.DEFAULT));
  }

  /** The Hazelcast member of a clustered node; null when it is standalone. */
  static HazelcastInstance hazelcastOf(MeridianNode node) {
    ClusterManager manager = ((VertxInternal) node.vertx()).clusterManager();
    return manager instanceof HazelcastClusterManager hazelcast ? hazelcast.getHazelcastInstance() : null;
  }
}
