package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.meridian.core.tenancy.BudgetPeriod;
import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
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
 * Issue 22, finding 4: forged entries in {@code meridian-usage} (a used-up minute and a spent budget
 * under a member id that is not in the cluster, a count in a live member's name, nonsense values) made
 * every router answer 429 for the key. A node that loads them at start must not count them.
 */
class ForgedUsageTest {
  static final String KEY = "sk-mer-forged-usage-test-key-00001";

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
  void forgedCountsDoNotMakeARouterRefuseTheKey() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.of("qwen3-8b"));
    Path keys = dir.resolve("keys.json");
    Files.writeString(keys, new JsonObject().put("keys", new JsonArray()
        .add(new JsonObject().put("name", "team").put("sha256", KeyHash.sha256Hex(KEY))
            .put("requestsPerMinute", 600).put("tokensPerMinute", 1_000_000)
            .put("budget", new JsonObject().put("dollars", 5).put("per", "day")))).encode());
    Map<String, String> env = NodeTestSupport.clusterEnv("meridian-test-" + UUID.randomUUID());
    List<String> common = List.of("--port", "0", "--catalog", catalog.toString(), "--router-instances", "1",
        "--keys-file", keys.toString(), "--usage-sync-ms", "200");
    MeridianNode a = NodeTestSupport.start(ClusterRateLimitTest.concat(
        List.of("embedded", "--simulator-port", "0", "--latency-scale", "0.01"), common), env);
    nodes.add(a);
    awaitCondition(Duration.ofSeconds(30), a::isReady);
    // Limits count per calendar minute: stay well inside one so the forged minute stays current.
    awaitCondition(Duration.ofSeconds(30), () -> System.currentTimeMillis() % 60_000 < 40_000);

    long now = System.currentTimeMillis();
    long minute = now / 60_000;
    long day = BudgetPeriod.DAY.periodId(now);
    HazelcastInstance memberA = NodeTestSupport.hazelcastOf(a);
    String stranger = UUID.randomUUID().toString();
    IMap<String, Object> usage = memberA.getMap(ClusterUsageSync.MAP_NAME);
    usage.set("team|r|" + minute + "@" + stranger, 1_000_000L);
    usage.set("team|a|" + minute + "@" + stranger, 1_000_000L);
    usage.set("team|t|" + minute + "@" + stranger, 1_000_000_000L);
    usage.set("team|$day|" + day + "@" + stranger, 1_000_000_000_000L);
    usage.set("team|r|" + minute + "@not-a-member", 1_000_000L);
    usage.set("ghost|r|" + minute + "@" + stranger, 5L);
    usage.set("team|h|" + minute + "@" + stranger, "hungry");

    MeridianNode b = NodeTestSupport.start(ClusterRateLimitTest.concat(List.of("router", "--region", "us-east",
        "--simulator-url", "http://127.0.0.1:" + a.simulatorPort()), common), env);
    nodes.add(b);
    awaitCondition(Duration.ofSeconds(30), b::isReady);
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();

    // B loaded the forged entries when it started (before its first request), A heard them as events.
    for (int i = 0; i < 4; i++) {
      assertThat(ClusterRateLimitTest.status(client, b.routerPort(), KEY)).as("request %d on B", i).isEqualTo(200);
      assertThat(ClusterRateLimitTest.status(client, a.routerPort(), KEY)).as("request %d on A", i).isEqualTo(200);
    }
    assertThat(b.access().limiter().spentDollars(b.access().keys().named("team"), System.currentTimeMillis()))
        .as("the forged spend is not counted").isLessThan(1.0);
  }
}
