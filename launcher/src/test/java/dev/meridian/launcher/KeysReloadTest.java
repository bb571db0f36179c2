package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revoking and adding keys takes effect without a restart; a broken file keeps the keys in force. */
class KeysReloadTest {
  static final String OLD = "sk-mer-reload-test-old-key-000001";
  static final String NEW = "sk-mer-reload-test-new-key-000002";

  @TempDir Path dir;
  MeridianNode node;
  Vertx clientVertx;

  @AfterEach
  void stop() throws Exception {
    if (clientVertx != null) {
      clientVertx.close().await(10, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close().await(30, TimeUnit.SECONDS);
    }
  }

  static String keysFile(String... keys) {
    JsonArray entries = new JsonArray();
    for (int i = 0; i < keys.length; i++) {
      entries.add(new JsonObject().put("name", "k" + i).put("sha256", KeyHash.sha256Hex(keys[i])));
    }
    return new JsonObject().put("keys", entries).encode();
  }

  static String keysFileWithLimit(String key, int requestsPerMinute) {
    return new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("name", "k0")
        .put("sha256", KeyHash.sha256Hex(key)).put("requestsPerMinute", requestsPerMinute))).encode();
  }

  @Test
  void aRotatedKeysFileTakesEffectWithinTheReloadInterval() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.of("qwen3-8b"));
    Path keys = dir.resolve("keys.json");
    Files.writeString(keys, keysFile(OLD));
    node = NodeTestSupport.start(List.of("embedded", "--standalone", "--port", "0", "--simulator-port", "0",
        "--catalog", catalog.toString(), "--latency-scale", "0.01", "--router-instances", "1",
        "--keys-file", keys.toString(), "--keys-reload-ms", "100"), Map.of());
    awaitCondition(Duration.ofSeconds(30), node::isReady);
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    assertThat(ClusterRateLimitTest.status(client, node.routerPort(), OLD)).isEqualTo(200);
    assertThat(ClusterRateLimitTest.status(client, node.routerPort(), NEW)).isEqualTo(401);

    Files.writeString(keys, keysFile(NEW));
    awaitCondition(Duration.ofSeconds(10), () -> ClusterRateLimitTest.status(client, node.routerPort(), OLD) == 401);
    assertThat(ClusterRateLimitTest.status(client, node.routerPort(), NEW)).isEqualTo(200);

    // A broken file is refused; the keys in force stay.
    Files.writeString(keys, "{\"keys\":[{\"name\":\"oops\",\"key\":\"" + OLD + "\"}]}");
    awaitCondition(Duration.ofSeconds(10), () -> node.registry().scrape()
        .contains("meridian_keys_reloads_total{result=\"rejected\"} 1.0"));
    assertThat(ClusterRateLimitTest.status(client, node.routerPort(), NEW)).isEqualTo(200);
    assertThat(ClusterRateLimitTest.status(client, node.routerPort(), OLD)).isEqualTo(401);

    // A new limit applies at once: this minute's use counts against it.
    awaitCondition(Duration.ofSeconds(30), () -> System.currentTimeMillis() % 60_000 < 50_000);
    Files.writeString(keys, keysFileWithLimit(NEW, 1));
    awaitCondition(Duration.ofSeconds(10), () -> ClusterRateLimitTest.status(client, node.routerPort(), NEW) == 429);
    // And raising it lets the key through again without waiting for the next minute.
    Files.writeString(keys, keysFileWithLimit(NEW, 1_000));
    awaitCondition(Duration.ofSeconds(10), () -> ClusterRateLimitTest.status(client, node.routerPort(), NEW) == 200);
  }
}
