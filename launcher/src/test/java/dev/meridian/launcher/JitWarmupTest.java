package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --warmup-requests}: the request path runs hot before ready, and leaves no trace in the node. */
class JitWarmupTest {
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
  void readyOnlyAfterTheWarmUpAndNothingOfItReachesTheNodesMetricsOrSimulator() throws Exception {
    node = NodeTestSupport.startEmbedded(dir, Set.of("qwen3-8b", "glm-5"), "--warmup-requests", "300");

    JitWarmup.Result warmup = node.warmup();
    assertThat(warmup).as("readiness waits for the warm-up").isNotNull();
    assertThat(warmup.sent()).isEqualTo(300);
    assertThat(warmup.succeeded()).as("every warm-up request answered 200").isEqualTo(300);

    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    String metrics = NodeTestSupport.admin(client, node.routerPort(), HttpMethod.GET, "/metrics", null)
        .await(10, TimeUnit.SECONDS).toString();
    assertThat(metrics).as("the warm-up router has its own registry").doesNotContain("meridian_requests_total{");
    io.vertx.core.json.JsonObject stats =
        NodeTestSupport.admin(client, node.simulatorPort(), HttpMethod.GET, "/admin/stats", null)
            .await(10, TimeUnit.SECONDS).toJsonObject();
    long requests = 0;
    long probes = 0;
    for (String endpoint : stats.fieldNames()) {
      requests += stats.getJsonObject(endpoint).getLong("requests");
      probes += stats.getJsonObject(endpoint).getLong("probes");
    }
    assertThat(probes).isPositive();
    assertThat(requests).as("the node's own simulator saw its probes only").isEqualTo(probes);
  }

  @Test
  void offByDefault() throws Exception {
    node = NodeTestSupport.startEmbedded(dir, Set.of("qwen3-8b"));
    assertThat(node.warmup()).isNull();
  }
}
