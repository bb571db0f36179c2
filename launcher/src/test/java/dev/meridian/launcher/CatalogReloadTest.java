package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
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

/** The catalog reloads on change without a restart; a bad file keeps the old rules and says why. */
class CatalogReloadTest {
  @TempDir Path dir;
  MeridianNode node;
  Vertx clientVertx;

  @AfterEach
  void stop() throws Exception {
    clientVertx.close().await(10, TimeUnit.SECONDS);
    node.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void validChangeIsAppliedAndABadOneIsRejectedWithTheOldRulesKept() throws Exception {
    Path file = NodeTestSupport.catalogOf(Files.createDirectories(dir.resolve("watched")), Set.of("glm-5", "qwen3-8b"));
    JsonObject v1 = new JsonObject(Files.readString(file)).put("version", "v1");
    Files.writeString(file, v1.encodePrettily());
    node = NodeTestSupport.start(List.of("embedded", "--standalone", "--port", "0", "--simulator-port", "0",
        "--catalog", file.toString(), "--latency-scale", "0.05", "--catalog-reload-ms", "100",
        "--router-instances", "1"), Map.of());
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    assertThat(version(client)).isEqualTo("v1");
    assertThat(NodeTestSupport.chat(client, node.routerPort(), "house-chat").status()).isEqualTo(404);

    // A broken file: the old rules stay, the log and the metric say what is wrong.
    JsonObject broken = v1.copy().put("version", "broken");
    broken.getJsonArray("models").getJsonObject(0).put("tier", "gold");
    Files.writeString(file, broken.encodePrettily());
    awaitCondition(Duration.ofSeconds(10), () -> metric(client, "meridian_catalog_reloads_total{result=\"rejected\"} 1.0"));
    assertThat(version(client)).isEqualTo("v1");
    assertThat(NodeTestSupport.chat(client, node.routerPort(), "glm-5").status()).isEqualTo(200);

    // A good file with one more model (a house name for qwen3-8b): routable without a restart.
    JsonObject v2 = v1.copy().put("version", "v2");
    JsonObject qwen = v2.getJsonArray("models").stream().map(m -> (JsonObject) m)
        .filter(m -> m.getString("id").equals("qwen3-8b")).findFirst().orElseThrow();
    v2.getJsonArray("models").add(qwen.copy().put("id", "house-chat").put("upstreamId", "qwen3-8b"));
    Files.writeString(file, v2.encodePrettily());
    awaitCondition(Duration.ofSeconds(10), () -> "v2".equals(version(client)));
    assertThat(metric(client, "meridian_catalog_reloads_total{result=\"applied\"} 1.0")).isTrue();
    NodeTestSupport.Reply reply = NodeTestSupport.chat(client, node.routerPort(), "house-chat");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("x-meridian-model")).isEqualTo("house-chat");
    // Issue 22, finding 2: the reloaded model's endpoints get their health gauges too (within a second).
    awaitCondition(Duration.ofSeconds(10), () -> metric(client, "meridian_endpoint_healthy{endpoint_region=\"us-east\",model=\"house-chat\""));
  }

  private String version(HttpClient client) {
    try {
      return NodeTestSupport.admin(client, node.routerPort(), HttpMethod.GET, "/v1/models", null)
          .await(10, TimeUnit.SECONDS).toJsonObject().getString("catalog_version");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private boolean metric(HttpClient client, String line) {
    try {
      return NodeTestSupport.admin(client, node.routerPort(), HttpMethod.GET, "/metrics", null)
          .await(10, TimeUnit.SECONDS).toString().contains(line);
    } catch (Exception e) {
      return false;
    }
  }
}
