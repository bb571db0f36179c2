package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.ProbeResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two clustered nodes in one JVM (Hazelcast on loopback) share health: A's record steers B's router. */
class ClusterHealthSharingTest {
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
  void probeResultRecordedOnNodeAIsUsedByNodeBsRouter() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.of("glm-5"));
    Map<String, String> env = NodeTestSupport.clusterEnv("meridian-test-" + UUID.randomUUID());
    // A long probe interval: after the first round nothing but the test writes health records.
    nodeA = NodeTestSupport.start(
        List.of("embedded", "--port", "0", "--simulator-port", "0", "--catalog", catalog.toString(),
            "--latency-scale", "0.05", "--probe-interval-ms", "3600000", "--router-instances", "1"),
        env);
    awaitCondition(Duration.ofSeconds(30), nodeA::isReady);

    // On A, record that from us-east (A's own region) glm-5 in ap-southeast answers in 1 ms: no probe
    // would say so. A key B does not probe: a node's own probe outranks what peers write (issue 22).
    HealthKey key = new HealthKey("us-east", "glm-5", "ap-southeast");
    EndpointHealth planted = EndpointHealth.unobserved(key)
        .record(ProbeResult.success(key, System.currentTimeMillis(), 1.0, 99), HealthPolicy.DEFAULT);
    nodeA.healthStore().publish(planted).await(10, TimeUnit.SECONDS);

    // B joins later, as an eu-west router using A's simulator.
    nodeB = NodeTestSupport.start(
        List.of("router", "--region", "eu-west", "--port", "0", "--catalog", catalog.toString(),
            "--simulator-url", "http://127.0.0.1:" + nodeA.simulatorPort(),
            "--probe-interval-ms", "3600000", "--router-instances", "1"),
        env);

    // A joining node loads the cluster's state before it starts routing.
    EndpointHealth seenByB = nodeB.healthState().current().get(key);
    assertThat(seenByB).isNotNull();
    assertThat(seenByB.ewmaTtftMs()).isEqualTo(1.0);

    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    NodeTestSupport.Reply reply = NodeTestSupport.chat(client, nodeB.routerPort(), "glm-5");
    assertThat(reply.status()).isEqualTo(200);

    // And B's own probe results (eu-west's view) reach A through the cluster.
    awaitCondition(Duration.ofSeconds(30),
        () -> nodeA.healthState().current().get("eu-west", "glm-5", "eu-west") != null);
  }
}
