package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, finding 3: with every metrics flag on, hostile traffic must not add series. Two rounds of
 * the same grid of request shapes (every method kind, surface and odd path, model kind, stream flag,
 * key) go to a node; each request gets fresh random strings where a client may put anything: a made-up
 * method, an unknown path or model name, header names and values. The first round finds every
 * bounded label set; the second, 2,700 requests of new strings, must add none. With vertx-micrometer's
 * method label unbounded, each made-up method added one label set to five vertx_http_server series.
 */
class MetricsCardinalityTest {
  static final String KEY = "sk-mer-cardinality-test-key-000001";
  static final int REPEATS = 7;

  @TempDir Path dir;
  MeridianNode node;
  Vertx clientVertx;

  @AfterEach
  void stop() throws Exception {
    if (clientVertx != null) {
      clientVertx.close().await(10, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void hostileMethodsPathsModelsAndHeadersAddNoSeries() throws Exception {
    Path keys = dir.resolve("keys.json");
    Files.writeString(keys, new JsonObject().put("keys", new JsonArray()
        .add(new JsonObject().put("name", "team").put("sha256", KeyHash.sha256Hex(KEY)))).encode());
    node = NodeTestSupport.startEmbedded(dir, Set.of("qwen3-8b", "glm-5"), "--vertx-http-metrics", "true",
        "--keys-file", keys.toString());
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(16));

    int requests = round(client, new Random(1));
    Set<String> afterFirst = series(client);
    requests += round(client, new Random(2));
    Set<String> afterSecond = series(client);

    Set<String> added = new TreeSet<>(afterSecond);
    added.removeAll(afterFirst);
    assertThat(requests).isGreaterThanOrEqualTo(5_000);
    assertThat(added).as("series added by the second round of %d requests", requests / 2).isEmpty();
    assertThat(afterFirst).as("the per-request Vert.x series are on").anyMatch(s -> s.startsWith("vertx_http_server_"));
  }

  /** The grid of shapes, REPEATS times, 16 requests in flight; returns how many were sent. */
  int round(HttpClient client, Random random) throws Exception {
    List<RequestOptions> shapes = new ArrayList<>();
    List<Buffer> bodies = new ArrayList<>();
    for (int repeat = 0; repeat < REPEATS; repeat++) {
      for (String method : List.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "MADE-UP")) {
        for (String path : List.of("/v1/chat/completions", "/v1/messages", "/v1/embeddings", "/v1/models",
            "/v1/models/RANDOM", "/RANDOM")) {
          for (String model : List.of("qwen3-8b", "budget", "claude-3-5-haiku-RANDOM", "RANDOM")) {
            for (boolean stream : new boolean[] {false, true}) {
              String verb = method.equals("MADE-UP") ? word(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3, 12) : method;
              RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(verb))
                  .setHost("127.0.0.1").setPort(node.routerPort()).setURI(path.replace("RANDOM", word(random, null, 1, 40)))
                  .putHeader("content-type", "application/json")
                  .putHeader("authorization", "Bearer " + (random.nextInt(4) == 0 ? word(random, null, 20, 40) : KEY))
                  .putHeader("x-" + word(random, "abcdefghijklmnopqrstuvwxyz", 1, 20), word(random, null, 0, 60))
                  .putHeader("x-meridian-" + List.of("objective", "region", "timeout-ms", "tier", "hedge",
                      word(random, "abcdefghijklmnopqrstuvwxyz", 1, 12)).get(random.nextInt(6)), word(random, null, 1, 20));
              if (path.equals("/v1/messages")) {
                options.putHeader("anthropic-version", random.nextBoolean() ? "2023-06-01" : word(random, null, 1, 20));
              }
              String named = model.replace("RANDOM", word(random, null, 1, 30));
              JsonArray messages = new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"));
              bodies.add(new JsonObject().put("model", named).put("stream", stream).put("max_tokens", 8)
                  .put("messages", messages).put("input", "hi").toBuffer());
              shapes.add(options);
            }
          }
        }
      }
    }
    List<Future<Integer>> inFlight = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      RequestOptions options = shapes.get(i);
      Buffer body = bodies.get(i);
      inFlight.add(NodeTestSupport.onContext(client, () -> client.request(options)
          .compose(request -> request.send(body))
          .compose(response -> response.body().map(ignored -> response.statusCode()))
          .otherwise(-1)));
      if (inFlight.size() == 16) {
        Future.join(inFlight).await(60, TimeUnit.SECONDS);
        inFlight.clear();
      }
    }
    Future.join(inFlight).await(60, TimeUnit.SECONDS);
    return shapes.size();
  }

  /** Every series of Meridian's and Vert.x's in a scrape (JVM and process series vary on their own). */
  Set<String> series(HttpClient client) throws Exception {
    String scrape = NodeTestSupport.onContext(client, () -> client
            .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.routerPort())
                .setURI("/metrics"))
            .compose(request -> request.send())
            .compose(response -> response.body()))
        .await(20, TimeUnit.SECONDS).toString();
    Set<String> series = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("meridian_") || line.startsWith("vertx_")) {
        int end = line.lastIndexOf(' ');
        series.add(end > 0 ? line.substring(0, end) : line);
      }
    }
    return series;
  }

  /** Printable ASCII (or the given letters), URL- and header-safe. */
  static String word(Random random, String letters, int min, int max) {
    String alphabet = letters != null ? letters : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    StringBuilder out = new StringBuilder();
    for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
