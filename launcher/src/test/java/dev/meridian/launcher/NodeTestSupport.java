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
    // The default chains and aliases name models (and tiers' coding models) this cut drops.
    catalog.remove("fallbacks");
    catalog.remove("aliases");
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, catalog.encodePrettily());
    return file;
  }

  /** What the tests send as client key: the embedded default's public demo key. */
  static final String DEMO_AUTH = "Bearer " + ClientAccess.DEMO_KEY;

  static MeridianNode start(List<String> args, Map<String, String> env) throws Exception {
    if (!args.isEmpty() && args.get(0).equals("router") && !args.contains("--keys-file") && !args.contains("--auth")) {
      // A router refuses to start without keys; these tests use the demo ones.
      args = new java.util.ArrayList<>(args);
      args.addAll(List.of("--keys-file", ClientAccess.DEMO));
    }
    MeridianConfig config = MeridianConfig.parse(args.toArray(String[]::new), env);
    return MeridianNode.start(config, env, ExchangeListener.NONE).await(60, TimeUnit.SECONDS);
  }

  /**
   * A standalone embedded node (its own simulator at latency scale 0.05, one router instance) serving
   * only {@code models}, plus {@code extraArgs}; returns once it is ready.
   */
  static MeridianNode startEmbedded(Path dir, Set<String> models, String... extraArgs) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("embedded", "--standalone", "--port", "0",
        "--simulator-port", "0", "--catalog", catalogOf(dir, models).toString(), "--latency-scale", "0.05",
        "--router-instances", "1"));
    args.addAll(List.of(extraArgs));
    MeridianNode node = start(args, Map.of());
    awaitCondition(Duration.ofSeconds(30), node::isReady);
    return node;
  }

  static Map<String, String> clusterEnv(String clusterName) {
    Map<String, String> env = new HashMap<>();
    env.put("MERIDIAN_CLUSTER_NAME", clusterName);
    // Clustered nodes in tests check each other's join token, as on Kubernetes (ClusterJoinCheck).
    env.put(ClusterJoinCheck.TOKEN_ENV, "test-join-token-" + clusterName);
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
    return onContext(client, () -> client
        .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", DEMO_AUTH))
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(b -> toReply(response, b))))
        .await(20, TimeUnit.SECONDS);
  }

  static Future<Buffer> admin(HttpClient client, int port, HttpMethod method, String path, JsonObject body) {
    return onContext(client, () -> client
        .request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
            .putHeader("authorization", DEMO_AUTH))
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(HttpClientResponse::body));
  }

  /**
   * Starts a request on a context of the client's own Vert.x: with Vert.x 5.0.8 a request started on
   * the JUnit thread now and then never completes (see {@link TestHttp}); on an event loop it always does.
   */
  static <T> Future<T> onContext(HttpClient client, java.util.function.Supplier<Future<T>> call) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    ((io.vertx.core.internal.http.HttpClientInternal) client).vertx().runOnContext(v -> {
      try {
        call.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.tryFail(e);
      }
    });
    return promise.future();
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
