package dev.meridian.launcher;

import static dev.meridian.launcher.LoadLoops.fmt;
import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.health.HazelcastHealthStore;
import dev.meridian.launcher.LoadLoops.Sample;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered nodes in one JVM, Hazelcast on loopback: A ({@code embedded}: the simulator and a
 * us-east router), B (router, us-east) and C (router, eu-west), all pointing at A's simulator. Client
 * loops run against B and C; then C crashes: its Hazelcast member is terminated (no graceful leave, no
 * partition hand-over) and its Vert.x closed.
 *
 * <p>Why these regions: B shares us-east with A, so the two split that region's probes and B routes on
 * records A wrote too; C is the only eu-west node, so the eu-west records it published can survive it
 * only through the map's backups: nobody re-probes them. That is what the test checks, on the
 * survivors' local state, in the Hazelcast map itself, and on a fourth node (D, ap-southeast) that joins
 * after the crash and must load them before it reports ready. C hosts no simulator, so its death takes
 * no upstream with it: B must not notice.
 */
class ThreeNodeClusterTest {
  private static final List<String> MODELS = List.of("deepseek-v4-flash", "glm-5");
  private static final int LOOPS_PER_MODEL = 2;

  @TempDir Path dir;
  final List<MeridianNode> nodes = new ArrayList<>();
  Future<Void> crashedClose;
  TestHttp http;

  @AfterEach
  void stop() throws Exception {
    if (http != null) {
      http.close();
    }
    if (crashedClose != null) {
      try {
        crashedClose.await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Closing a node whose Hazelcast member was terminated may fail; it is gone either way.
      }
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      try {
        nodes.get(i).close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.out.println("[ThreeNodeCluster] closing node " + i + " failed: " + e);
      }
    }
  }

  @Test
  void killingOneRouterUnderLoadDisturbsNeitherTheOthersNorTheSharedHealth() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.copyOf(MODELS));
    Map<String, String> env = NodeTestSupport.clusterEnv("meridian-3node-" + UUID.randomUUID());
    List<String> common = List.of("--port", "0", "--catalog", catalog.toString(),
        "--probe-interval-ms", "1000", "--router-instances", "1");

    MeridianNode a = start(env, concat(List.of("embedded", "--simulator-port", "0", "--latency-scale", "0.02"), common));
    String simulatorUrl = "http://127.0.0.1:" + a.simulatorPort();
    MeridianNode b = start(env, concat(List.of("router", "--region", "us-east", "--simulator-url", simulatorUrl), common));
    MeridianNode c = start(env, concat(List.of("router", "--region", "eu-west", "--simulator-url", simulatorUrl), common));
    awaitCondition(Duration.ofSeconds(30), () -> a.isReady() && b.isReady() && c.isReady());
    HazelcastInstance hzA = NodeTestSupport.hazelcastOf(a);
    assertThat(hzA.getCluster().getMembers()).hasSize(3);

    // C's view of every endpoint has reached the others.
    List<HealthKey> euWestKeys = new ArrayList<>();
    for (Endpoint endpoint : a.catalog().endpoints()) {
      euWestKeys.add(new HealthKey("eu-west", endpoint.model().id(), endpoint.region()));
    }
    awaitCondition(Duration.ofSeconds(20), () -> euWestKeys.stream().allMatch(
        k -> a.healthState().current().get(k) != null && b.healthState().current().get(k) != null));

    http = new TestHttp(32);
    LoadLoops load = new LoadLoops(http);
    for (String model : MODELS) {
      load.start("B", b.routerPort(), model, LOOPS_PER_MODEL, 2);
      load.start("C", c.routerPort(), model, LOOPS_PER_MODEL, 2);
    }
    long warmUp = LoadLoops.now();
    awaitCondition(Duration.ofSeconds(15), () -> load.samples(s -> s.startNanos() > warmUp).size() >= 150);

    // What C's region had published, as the survivors hold it just before the crash.
    Map<HealthKey, Long> beforeCrash = new HashMap<>();
    for (HealthKey key : euWestKeys) {
      beforeCrash.put(key, b.healthState().current().get(key).lastObservedAtMs());
    }

    long crashNanos = LoadLoops.now();
    load.stop("C");
    NodeTestSupport.hazelcastOf(c).getLifecycleService().terminate();
    crashedClose = c.close();
    nodes.remove(c);
    awaitCondition(Duration.ofSeconds(20), () -> hzA.getCluster().getMembers().size() == 2);
    double memberGoneMs = (LoadLoops.now() - crashNanos) / 1e6;

    // B keeps serving for five more seconds (through the member removal and partition migration).
    awaitCondition(Duration.ofSeconds(15), () -> LoadLoops.now() - crashNanos > TimeUnit.SECONDS.toNanos(5));
    load.stopAllAndDrain(Duration.ofSeconds(20));

    // A node joining after the crash loads C's records from the map before it is ready.
    long joinStart = LoadLoops.now();
    MeridianNode d = start(env, concat(List.of("router", "--region", "ap-southeast", "--simulator-url", simulatorUrl), common));
    double joinMs = (LoadLoops.now() - joinStart) / 1e6;

    List<Sample> all = load.samples();
    List<Sample> bSamples = all.stream().filter(s -> s.target().equals("B")).toList();
    List<Sample> bAfter = bSamples.stream().filter(s -> s.startNanos() > crashNanos).toList();
    List<Sample> cSamples = all.stream().filter(s -> s.target().equals("C")).toList();
    List<Sample> cBefore = cSamples.stream().filter(s -> s.endNanos() < crashNanos).toList();
    List<Sample> cCaught = cSamples.stream().filter(s -> s.endNanos() >= crashNanos).toList();
    System.out.println("[ThreeNodeCluster] B: requests=" + bSamples.size() + " failed=" + failed(bSamples)
        + " (after the crash: " + bAfter.size() + " requests, " + failed(bAfter) + " failed)"
        + " p50=" + fmt(LoadLoops.percentileMs(bSamples, 0.5)) + " ms p99=" + fmt(LoadLoops.percentileMs(bSamples, 0.99))
        + " ms; p99 after the crash " + fmt(LoadLoops.percentileMs(bAfter, 0.99)) + " ms");
    System.out.println("[ThreeNodeCluster] C: requests before the crash=" + cBefore.size() + " failed=" + failed(cBefore)
        + "; in flight at the crash=" + cCaught.size() + " failed=" + failed(cCaught)
        + (cCaught.stream().anyMatch(s -> !s.ok()) ? " (" + cCaught.stream().filter(s -> !s.ok()).findFirst().get().failure() + ")" : ""));
    System.out.println("[ThreeNodeCluster] member removal seen by A after " + fmt(memberGoneMs)
        + " ms; node D joined and was started in " + fmt(joinMs) + " ms");

    assertThat(bSamples.stream().filter(s -> !s.ok()).map(Sample::failure).toList())
        .as("client-visible errors on B, a survivor").isEmpty();
    assertThat(bAfter).as("B served after the crash").hasSizeGreaterThan(50);
    assertThat(cBefore.stream().filter(s -> !s.ok()).map(Sample::failure).toList())
        .as("client-visible errors on C before it was killed").isEmpty();

    // The eu-west records survive: in the survivors' snapshots, in the map (backups promoted), and
    // on the node that joined afterwards.
    IMap<String, String> map = hzA.getMap(HazelcastHealthStore.MAP_NAME);
    for (HealthKey key : euWestKeys) {
      long before = beforeCrash.get(key);
      for (MeridianNode survivor : List.of(a, b, d)) {
        EndpointHealth held = survivor.healthState().current().get(key);
        assertThat(held).as("%s on %s", key, survivor.config().region()).isNotNull();
        assertThat(held.lastObservedAtMs()).as("%s on %s", key, survivor.config().region()).isGreaterThanOrEqualTo(before);
      }
      String value = map.get(key.asString());
      assertThat(value).as("%s in the Hazelcast map after the crash", key).isNotNull();
      assertThat(EndpointHealth.fromJson(new JsonObject(value)).lastObservedAtMs()).isGreaterThanOrEqualTo(before);
    }
    System.out.println("[ThreeNodeCluster] all " + euWestKeys.size()
        + " eu-west records published by C survived its crash (A, B, map, and joiner D)");
  }

  private MeridianNode start(Map<String, String> env, List<String> args) throws Exception {
    MeridianNode node = NodeTestSupport.start(args, env);
    nodes.add(node);
    return node;
  }

  private static long failed(List<Sample> samples) {
    return samples.stream().filter(s -> !s.ok()).count();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
