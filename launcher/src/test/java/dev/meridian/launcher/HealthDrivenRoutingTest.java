package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on one standalone node: the health verticle probes the simulator, and the router's
 * choice follows what it observed when an endpoint turns slow or goes down.
 */
class HealthDrivenRoutingTest {
  @TempDir Path dir;
  MeridianNode node;
  Vertx clientVertx;
  HttpClient client;

  @BeforeEach
  void start() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.of("glm-5", "qwen3-8b"));
    node =
        NodeTestSupport.start(
            List.of("embedded", "--standalone", "--port", "0", "--simulator-port", "0",
                "--catalog", catalog.toString(), "--latency-scale", "0.05",
                "--probe-interval-ms", "400", "--failure-threshold", "1", "--router-instances", "1"),
            Map.of());
    clientVertx = Vertx.vertx();
    client = clientVertx.createHttpClient();
    awaitCondition(Duration.ofSeconds(20), node::isReady);
  }

  @AfterEach
  void stop() throws Exception {
    clientVertx.close().await(10, TimeUnit.SECONDS);
    node.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void slowOrDownEndpointLosesItsTrafficOnceProbesHaveSeenIt() throws Exception {
    // From us-east, glm-5 in us-east (500 ms) beats ap-southeast (420 + 210 ms round trip) and
    // eu-west (575 + 75 ms); those two are close, so the test follows whichever wins next.
    assertThat(routeOf("glm-5")).isEqualTo("us-east");

    // Two seconds of added latency (scaled like everything else) makes us-east the slowest.
    fault("glm-5", "us-east", new JsonObject().put("addedLatencyMs", 2000));
    AtomicReference<String> route = new AtomicReference<>();
    awaitCondition(Duration.ofSeconds(15), () -> !"us-east".equals(remember(route, routeOf("glm-5"))));
    String second = route.get();
    assertThat(second).isIn("ap-southeast", "eu-west");
    String third = second.equals("ap-southeast") ? "eu-west" : "ap-southeast";

    // Down: connections dropped; after one failed probe (threshold 1 here) it is excluded and the
    // remaining region, not the slow us-east, takes the traffic.
    fault("glm-5", second, new JsonObject().put("down", true));
    awaitCondition(Duration.ofSeconds(15), () -> {
      var record = node.healthState().current().get("us-east", "glm-5", second);
      return record != null && !record.healthy();
    });
    assertThat(routeOf("glm-5")).isEqualTo(third);
  }

  @Test
  void whenTheOwnRegionIsDownTrafficGoesToTheNextNearestRegionAndComesBack() throws Exception {
    assertThat(routeOf("qwen3-8b")).isEqualTo("us-east");
    assertThat(routeOf("glm-5")).isEqualTo("us-east");
    fault("qwen3-8b", "us-east", new JsonObject().put("down", true));
    fault("glm-5", "us-east", new JsonObject().put("down", true));
    awaitCondition(Duration.ofSeconds(15), () -> node.isReady()
        && !node.healthState().current().get("us-east", "qwen3-8b", "us-east").healthy()
        && !node.healthState().current().get("us-east", "glm-5", "us-east").healthy());
    // qwen3-8b from us-east: eu-west 172 + 75 ms round trip beats ap-southeast 124 + 210 ms.
    assertThat(routeOf("qwen3-8b")).isEqualTo("eu-west");
    assertThat(routeOf("glm-5")).isNotEqualTo("us-east");

    NodeTestSupport.admin(client, node.simulatorPort(), HttpMethod.DELETE, "/admin/faults", null)
        .await(10, TimeUnit.SECONDS);
    awaitCondition(Duration.ofSeconds(15), () -> "us-east".equals(routeOf("qwen3-8b")));
    awaitCondition(Duration.ofSeconds(15), () -> "us-east".equals(routeOf("glm-5")));
  }

  @Test
  void metricsEndpointCarriesProbeHealthJvmAndVertxSeries() throws Exception {
    routeOf("qwen3-8b");
    String text = NodeTestSupport.admin(client, node.routerPort(), HttpMethod.GET, "/metrics", null)
        .await(10, TimeUnit.SECONDS).toString();
    assertThat(text)
        .contains("meridian_probes_total{endpoint_region=\"us-east\",model=\"glm-5\",observer_region=\"us-east\",outcome=\"ok\"}")
        .contains("meridian_probe_ttft_seconds_bucket")
        .contains("meridian_region_healthy_endpoints{region=\"ap-southeast\"} 2.0")
        .contains("meridian_endpoint_healthy{endpoint_region=\"eu-west\",model=\"qwen3-8b\",observer_region=\"us-east\"} 1.0")
        .containsPattern("meridian_requests_total\\{[^}]*model=\"qwen3-8b\"")
        .contains("meridian_probe_last_success_timestamp_seconds")
        .contains("jvm_memory_used_bytes")
        .contains("vertx_pool_")
        // Per-request Vert.x HTTP series are off unless --vertx-http-metrics (VertxHttpMetricsTest).
        .doesNotContain("vertx_http_server_")
        .doesNotContain("vertx_http_client_");
  }

  private static String remember(AtomicReference<String> ref, String value) {
    ref.set(value);
    return value;
  }

  private String routeOf(String model) {
    try {
      NodeTestSupport.Reply reply = NodeTestSupport.chat(client, node.routerPort(), model);
      assertThat(reply.status()).isEqualTo(200);
      return reply.header(MeridianHeaders.ROUTE_REGION);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void fault(String model, String region, JsonObject spec) throws Exception {
    NodeTestSupport.admin(client, node.simulatorPort(), HttpMethod.PUT,
        "/admin/faults/" + model + "/" + region, spec).await(10, TimeUnit.SECONDS);
  }
}
