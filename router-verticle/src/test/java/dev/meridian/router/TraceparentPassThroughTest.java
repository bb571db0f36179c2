package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tracing off (the default): Meridian records no spans and says no trace id, but a client's own
 * W3C traceparent and tracestate reach the provider unchanged, so the client's trace is not cut; a
 * malformed traceparent is not forwarded.
 */
class TraceparentPassThroughTest extends RouterTestBase {
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private String upstreamTraceparent() throws Exception {
    return simulatorAdmin(HttpMethod.GET, "/admin/stats", null)
        .getJsonObject("deepseek-v4-flash@us-east").getString("lastTraceparent");
  }

  @Test
  void theClientsTraceparentReachesTheProviderUnchanged() throws Exception {
    observe("deepseek-v4-flash", "us-east", 50);
    Reply reply = send(HttpMethod.POST, "/v1/chat/completions", chat("deepseek-v4-flash", false).toBuffer(),
        Map.of("traceparent", TRACEPARENT, "tracestate", "vendor=abc"));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("x-meridian-trace-id")).isNull();
    assertThat(upstreamTraceparent()).isEqualTo(TRACEPARENT);
    assertThat(lastExchange.get().traceId()).isNull();
  }

  @Test
  void aMalformedTraceparentIsNotForwarded() throws Exception {
    observe("deepseek-v4-flash", "us-east", 50);
    for (String bad : new String[] {"00-" + "x".repeat(32) + "-00f067aa0ba902b7-01", "hello", TRACEPARENT + "-extra"}) {
      Reply reply = send(HttpMethod.POST, "/v1/chat/completions", chat("deepseek-v4-flash", false).toBuffer(),
          Map.of("traceparent", bad));
      assertThat(reply.status()).isEqualTo(200);
    }
    JsonObject stats = simulatorAdmin(HttpMethod.GET, "/admin/stats", null).getJsonObject("deepseek-v4-flash@us-east");
    assertThat(stats.getLong("requests")).isEqualTo(3);
    assertThat(stats.getString("lastTraceparent")).isNull();
  }
}
