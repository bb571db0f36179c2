package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --transport}: epoll where it loads (the default on Linux), NIO when asked or elsewhere. */
class TransportTest {
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
  void valuesAreCheckedAtStartup() {
    assertThat(MeridianConfig.parse(new String[0], Map.of()).transport()).isEqualTo(MeridianConfig.Transport.AUTO);
    assertThat(MeridianConfig.parse(new String[] {"--transport", "NIO"}, Map.of()).transport())
        .isEqualTo(MeridianConfig.Transport.NIO);
    assertThat(MeridianConfig.parse(new String[0], Map.of("MERIDIAN_TRANSPORT", "epoll")).transport())
        .isEqualTo(MeridianConfig.Transport.EPOLL);
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"--transport", "uring"}, Map.of()))
        .hasMessageContaining("--transport must be auto, epoll or nio, got 'uring'");
  }

  @Test
  void autoPicksEpollOnLinuxAndTheRouterServesOnIt() throws Exception {
    assumeTrue(io.vertx.core.transport.Transport.EPOLL.available(), "epoll does not load on this machine");
    assertThat(NodeOptions.transport(MeridianConfig.Transport.AUTO)).isSameAs(io.vertx.core.transport.Transport.EPOLL);
    node = NodeTestSupport.startEmbedded(dir, Set.of("qwen3-8b"));
    assertThat(node.vertx().isNativeTransportEnabled()).isTrue();
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    assertThat(NodeTestSupport.chat(client, node.routerPort(), "qwen3-8b").status()).isEqualTo(200);
  }

  @Test
  void nioWhenAsked() throws Exception {
    assertThat(NodeOptions.transport(MeridianConfig.Transport.NIO)).isSameAs(io.vertx.core.transport.Transport.NIO);
    node = NodeTestSupport.startEmbedded(dir, Set.of("qwen3-8b"), "--transport", "nio");
    assertThat(node.vertx().isNativeTransportEnabled()).isFalse();
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    assertThat(NodeTestSupport.chat(client, node.routerPort(), "qwen3-8b").status()).isEqualTo(200);
  }
}
