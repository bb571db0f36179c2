package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.routing.EndpointBlocklist;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A breaker tripped by live traffic on one router takes the endpoint out of routing on the other
 * routers of the same region too, within one event-bus hop: measured and bounded here.
 */
class ClusterBreakerSharingTest {
  @TempDir Path dir;
  MeridianNode nodeA;
  MeridianNode nodeB;
  Vertx clientVertx;

  @AfterEach
  void stop() throws Exception {
    if (clientVertx != null) {
      clientVertx.close().await(10, TimeUnit.SECONDS);
    }
    for (MeridianNode node : new MeridianNode[] {nodeB, nodeA}) {
      if (node != null) {
        node.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void breakerOpenedOnOneRouterBlocksTheEndpointOnItsRegionPeers() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.of("glm-5"));
    Map<String, String> env = NodeTestSupport.clusterEnv("meridian-test-" + UUID.randomUUID());
    List<String> common = List.of("--port", "0", "--catalog", catalog.toString(), "--probe-interval-ms", "3600000",
        "--router-instances", "1", "--breaker-cool-down-ms", "30000", "--max-block-ms", "45000");
    nodeA = NodeTestSupport.start(concat(List.of("embedded", "--simulator-port", "0", "--latency-scale", "0.02"), common), env);
    nodeB = NodeTestSupport.start(concat(List.of("router", "--region", "us-east",
        "--simulator-url", "http://127.0.0.1:" + nodeA.simulatorPort()), common), env);
    awaitCondition(Duration.ofSeconds(30), () -> nodeA.isReady() && nodeB.isReady());
    // Pin the preference so both routers pick glm-5@us-east first and eu-west second: below any real
    // probe (ap-southeast measures ~13 ms from us-east at this latency scale).
    // Planted on each node as its own evidence: a peer's record never outranks a node's own probe.
    for (MeridianNode node : new MeridianNode[] {nodeA, nodeB}) {
      plant(node, "us-east", 0.5);
      plant(node, "eu-west", 1.0);
    }
    assertThat(nodeB.healthState().current().get("us-east", "glm-5", "eu-west").ewmaTtftMs()).isEqualTo(1.0);

    AtomicLong openedAtNanos = new AtomicLong();
    nodeA.resilience().addListener((endpoint, state) -> {
      if (state == CircuitBreakerState.OPEN) {
        openedAtNanos.compareAndSet(0, System.nanoTime());
      }
    });
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    NodeTestSupport.admin(client, nodeA.simulatorPort(), HttpMethod.PUT, "/admin/faults/glm-5/us-east",
        new JsonObject().put("errorRate", 1.0)).await(10, TimeUnit.SECONDS);

    // Live traffic on A only: every request is still served (by eu-west) while A's breaker trips.
    for (int i = 0; i < 5; i++) {
      NodeTestSupport.Reply reply = NodeTestSupport.chat(client, nodeA.routerPort(), "glm-5");
      assertThat(reply.status()).isEqualTo(200);
    }
    awaitCondition(Duration.ofSeconds(5), () -> openedAtNanos.get() != 0);
    awaitCondition(Duration.ofSeconds(5), () -> nodeB.resilience().blocklist()
        .blockAt("glm-5@us-east", System.currentTimeMillis()) != null);
    long propagationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos.get());
    System.out.printf("breaker propagation to a region peer: observed within %d ms%n", propagationMs);
    assertThat(propagationMs).isLessThan(1_000);
    assertThat(nodeB.resilience().blocklist().blockAt("glm-5@us-east", System.currentTimeMillis()).reason())
        .isEqualTo(EndpointBlocklist.Reason.BREAKER_OPEN);
    // The cap reaches the node and leaves an honest breaker block (30 s cool-down) alone.
    assertThat(nodeB.resilience().options().getMaxBlockMs()).isEqualTo(45_000);
    assertThat(nodeB.resilience().blocklist().blockAt("glm-5@us-east", System.currentTimeMillis()).untilMs())
        .isEqualTo(nodeA.resilience().blocklist().blockAt("glm-5@us-east", System.currentTimeMillis()).untilMs());

    // B has never seen a failure, yet does not send to the failing endpoint.
    NodeTestSupport.Reply fromB = NodeTestSupport.chat(client, nodeB.routerPort(), "glm-5");
    assertThat(fromB.status()).isEqualTo(200);
    assertThat(fromB.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(fromB.header(MeridianHeaders.ATTEMPTS)).isEqualTo("1");
  }

  private static void plant(MeridianNode node, String endpointRegion, double ttftMs) throws Exception {
    HealthKey key = new HealthKey("us-east", "glm-5", endpointRegion);
    EndpointHealth record = EndpointHealth.unobserved(key)
        .record(ProbeResult.success(key, System.currentTimeMillis() + 60_000, ttftMs, 50), HealthPolicy.DEFAULT);
    node.healthState().putLocal(record, System.currentTimeMillis());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
