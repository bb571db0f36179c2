package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With an admin port, metrics and status leave the client port: clients cannot read them at all. */
class AdminPortTest extends RouterTestBase {
  @Override
  RouterOptions routerOptions() {
    return super.routerOptions().setAdminPort(0);
  }

  @Test
  void metricsAndStatusMoveToTheAdminPort() throws Exception {
    assertThat(router.actualAdminPort()).isNotEqualTo(router.actualPort());
    assertThat(send(HttpMethod.GET, "/metrics", null, Map.of()).status()).isEqualTo(404);
    assertThat(send(HttpMethod.GET, "/status.json", null, Map.of()).status()).isEqualTo(404);
    assertThat(send(HttpMethod.GET, "/healthz", null, Map.of()).status()).isEqualTo(200);

    assertThat(adminGet("/metrics").status()).isEqualTo(200);
    assertThat(adminGet("/metrics").body().toString()).contains("meridian_router_overhead_seconds");
    assertThat(adminGet("/status.json").status()).isEqualTo(200);
    assertThat(adminGet("/v1/models").status()).isEqualTo(404);
  }

  Reply adminGet(String path) throws Exception {
    RequestOptions options =
        new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(router.actualAdminPort()).setURI(path);
    return onContext(() -> client.request(options).compose(r -> r.send()).compose(r -> r.body().map(b -> toReply(r, b))));
  }
}
