package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's limits hold across two clustered routers: requests spread over both are admitted up to the
 * key's per-minute limit in total, not per node, and money spent on one node counts on the other.
 */
class ClusterRateLimitTest {
  static final String KEY = "sk-mer-cluster-limit-test-key-0001";
  static final String SPENDER = "sk-mer-cluster-budget-test-key-002";
  static final int LIMIT = 24;

  @TempDir Path dir;
  final List<MeridianNode> nodes = new ArrayList<>();
  Vertx clientVertx;

  @AfterEach
  void stop() throws Exception {
    if (clientVertx != null) {
      clientVertx.close().await(10, TimeUnit.SECONDS);
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void limitsAndBudgetsHoldForTheWholeCluster() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.of("qwen3-8b"));
    Path keys = dir.resolve("keys.json");
    Files.writeString(keys, new JsonObject().put("keys", new JsonArray()
        .add(new JsonObject().put("name", "shared").put("sha256", KeyHash.sha256Hex(KEY)).put("requestsPerMinute", LIMIT))
        .add(new JsonObject().put("name", "spender").put("sha256", KeyHash.sha256Hex(SPENDER))
            .put("budget", new JsonObject().put("dollars", 0.000001).put("per", "day")))).encode());
    Map<String, String> env = NodeTestSupport.clusterEnv("meridian-test-" + UUID.randomUUID());
    List<String> common = List.of("--port", "0", "--catalog", catalog.toString(), "--router-instances", "1",
        "--keys-file", keys.toString(), "--usage-sync-ms", "200");
    MeridianNode a = NodeTestSupport.start(concat(List.of("embedded", "--simulator-port", "0", "--latency-scale", "0.01"), common), env);
    nodes.add(a);
    MeridianNode b = NodeTestSupport.start(concat(List.of("router", "--region", "us-east",
        "--simulator-url", "http://127.0.0.1:" + a.simulatorPort()), common), env);
    nodes.add(b);
    awaitCondition(Duration.ofSeconds(30), () -> a.isReady() && b.isReady());
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    // Limits count per calendar minute: start well inside one so the window cannot turn mid-test.
    awaitCondition(Duration.ofSeconds(30), () -> System.currentTimeMillis() % 60_000 < 42_000);
    long minute = System.currentTimeMillis() / 60_000;

    // Alternate nodes: without shared counts each would admit the full limit.
    int admitted = 0;
    int refused = 0;
    // Until the cluster has given out the whole limit (or long enough that it never will).
    long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; (admitted < LIMIT || refused == 0) && System.nanoTime() < giveUpAt; i++) {
      int port = (i % 2 == 0 ? a : b).routerPort();
      int status = status(client, port, KEY);
      assertThat(status).isIn(200, 429);
      if (status == 200) {
        admitted++;
      } else {
        refused++;
      }
    }
    System.out.printf("limit %d/min over 2 nodes: %d admitted, %d refused%n", LIMIT, admitted, refused);
    assertThat(System.currentTimeMillis() / 60_000).as("still the same minute").isEqualTo(minute);
    // One node alone would admit LIMIT; two unsynchronised nodes 2 x LIMIT.
    assertThat(admitted).isLessThanOrEqualTo(LIMIT).isGreaterThanOrEqualTo(LIMIT - 2);
    assertThat(refused).isPositive();

    // Spend the whole budget on A; B learns of it within a couple of sync intervals.
    assertThat(status(client, a.routerPort(), SPENDER)).isEqualTo(200);
    long spentAt = System.nanoTime();
    awaitCondition(Duration.ofSeconds(5), () -> status(client, b.routerPort(), SPENDER) == 429);
    System.out.printf("budget spent on node A refused on node B after %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spentAt));
  }

  static int status(HttpClient client, int port, String key) {
    JsonObject body = new JsonObject().put("model", "qwen3-8b")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    try {
      return NodeTestSupport.onContext(client, () -> client
              .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                  .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
                  .putHeader("authorization", "Bearer " + key))
              .compose(request -> request.send(body.toBuffer()))
              .compose(response -> response.body().map(ignored -> response.statusCode())))
          .await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
