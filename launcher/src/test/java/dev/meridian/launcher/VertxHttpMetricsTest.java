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

/** {@code --vertx-http-metrics true} brings back vertx-micrometer's per-request HTTP series. */
class VertxHttpMetricsTest {
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
  void optInRecordsServerAndClientRequests() throws Exception {
    node = NodeTestSupport.startEmbedded(dir, Set.of("qwen3-8b"), "--vertx-http-metrics", "true");
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();

    assertThat(NodeTestSupport.chat(client, node.routerPort(), "qwen3-8b").status()).isEqualTo(200);

    String text = NodeTestSupport.admin(client, node.routerPort(), HttpMethod.GET, "/metrics", null)
        .await(10, TimeUnit.SECONDS).toString();
    assertThat(text).contains("vertx_http_server_requests_total").contains("vertx_http_client_requests_total");
  }
}
