package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.routing.EndpointBlocklist;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Breakers, Retry-After, retry budget, per-request deadlines and hedging, against the simulator. */
class ResilienceTest extends RouterTestBase {

  long requestsSeenBy(String endpointId) throws Exception {
    JsonObject stats = simulatorAdmin(HttpMethod.GET, "/admin/stats", null).getJsonObject(endpointId);
    return stats == null ? 0 : stats.getLong("requests");
  }

  @Test
  void failingEndpointTripsItsBreakerAndStopsGettingTraffic() throws Exception {
    observe("qwen3-32b", "us-east", 100);
    observe("qwen3-32b", "eu-west", 200);
    fault("qwen3-32b", "us-east", new JsonObject().put("errorRate", 1.0).put("errorStatus", 503));

    // Every request still succeeds through eu-west; the first five also hit the failing primary.
    for (int i = 0; i < 5; i++) {
      Reply reply = post("/v1/chat/completions", chat("qwen3-32b", false).encode());
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
      assertThat(reply.header(MeridianHeaders.ATTEMPTS)).isEqualTo("2");
    }
    String primary = "qwen3-32b@us-east";
    awaitCondition(Duration.ofSeconds(2),
        () -> router.resilience().breaker(catalog.endpoint("qwen3-32b", "us-east")).state() == CircuitBreakerState.OPEN);
    assertThat(router.resilience().blocklist().blockAt(primary, System.currentTimeMillis()).reason())
        .isEqualTo(EndpointBlocklist.Reason.BREAKER_OPEN);
    long seenBefore = requestsSeenBy(primary);

    for (int i = 0; i < 5; i++) {
      Reply reply = post("/v1/chat/completions", chat("qwen3-32b", false).encode());
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header(MeridianHeaders.ATTEMPTS)).as("open breaker: primary skipped").isEqualTo("1");
    }
    assertThat(requestsSeenBy(primary)).isEqualTo(seenBefore);
  }

  @Test
  void rateLimitedEndpointGetsNothingUntilItsRetryAfterHasPassed() throws Exception {
    observe("glm-5", "us-east", 100);
    observe("glm-5", "eu-west", 200);
    fault("glm-5", "us-east", new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 30));

    Reply first = post("/v1/chat/completions", chat("glm-5", false).encode());
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header(MeridianHeaders.ATTEMPTS)).isEqualTo("2");
    EndpointBlocklist.Block block =
        router.resilience().blocklist().blockAt("glm-5@us-east", System.currentTimeMillis());
    assertThat(block.reason()).isEqualTo(EndpointBlocklist.Reason.RATE_LIMITED);
    assertThat(block.untilMs() - System.currentTimeMillis()).isBetween(25_000L, 30_000L);

    long seen = requestsSeenBy("glm-5@us-east");
    Reply second = post("/v1/chat/completions", chat("glm-5", false).encode());
    assertThat(second.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(second.header(MeridianHeaders.ATTEMPTS)).isEqualTo("1");
    assertThat(requestsSeenBy("glm-5@us-east")).isEqualTo(seen);
  }

  @Test
  void onlyRateLimitedEndpointsLeftIsA429WithTheRemainingWait() throws Exception {
    for (String region : new String[] {"us-east", "eu-west", "ap-southeast"}) {
      observe("doubao-seed-lite", region, 100);
      fault("doubao-seed-lite", region, new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 20));
    }
    Reply first = post("/v1/chat/completions", chat("doubao-seed-lite", false).encode());
    assertThat(first.status()).isEqualTo(429);
    assertThat(first.header("retry-after")).isEqualTo("20");

    // Now every endpoint is blocked: the router answers without calling anyone.
    Reply second = post("/v1/chat/completions", chat("doubao-seed-lite", false).encode());
    assertThat(second.status()).isEqualTo(429);
    assertThat(Integer.parseInt(second.header("retry-after"))).isBetween(1, 20);
    assertThat(second.json().getJsonObject("error").getString("code")).isEqualTo("upstream_rate_limited");
  }

  @Test
  void perRequestFirstTokenDeadlineMovesOnFromAStalledEndpoint() throws Exception {
    observe("hunyuan-turbo", "us-east", 100);
    observe("hunyuan-turbo", "eu-west", 200);
    fault("hunyuan-turbo", "us-east", new JsonObject().put("stallAfterChunks", 0));

    long started = System.nanoTime();
    Reply reply = send(HttpMethod.POST, "/v1/chat/completions", chat("hunyuan-turbo", true).toBuffer(),
        Map.of("x-meridian-first-token-timeout-ms", "200"));
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(reply.body().toString()).endsWith("data: [DONE]\n\n");
    assertThat(tookMs).as("well before the configured 20 s first-token deadline").isLessThan(5_000);
  }

  @Test
  void badDeadlineHeaderIs400() throws Exception {
    observe("qwen3-8b", "us-east", 100);
    Reply reply = send(HttpMethod.POST, "/v1/chat/completions", chat("qwen3-8b", false).toBuffer(),
        Map.of("x-meridian-timeout-ms", "soon"));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getJsonObject("error").getString("code")).isEqualTo("invalid_header");
  }

  @Test
  void stallAfterTheFirstByteEndsTheStreamWithAnErrorEventAfterTheIdleDeadline() throws Exception {
    observe("step-3.5-flash", "us-east", 100);
    observe("step-3.5-flash", "eu-west", 200);
    fault("step-3.5-flash", "us-east", new JsonObject().put("stallAfterChunks", 3));

    Reply reply = send(HttpMethod.POST, "/v1/chat/completions", chat("step-3.5-flash", true).toBuffer(),
        Map.of("x-meridian-idle-timeout-ms", "300"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("us-east");
    String text = reply.body().toString();
    assertThat(text).doesNotContain("[DONE]").contains("\"code\":\"upstream_stream_error\"");
  }

  @Test
  void hedgedRequestIsWonByTheFasterSecondEndpoint() throws Exception {
    // The primary looks fast to the probes (p95 40 ms) but now takes seconds; the hedge fires at its p95.
    observe("deepseek-v4-pro", "us-east", 40);
    observe("deepseek-v4-pro", "eu-west", 200);
    fault("deepseek-v4-pro", "us-east", new JsonObject().put("addedLatencyMs", 100_000));

    long started = System.nanoTime();
    Reply reply = send(HttpMethod.POST, "/v1/chat/completions", chat("deepseek-v4-pro", true).toBuffer(),
        Map.of("x-meridian-hedge", "true"));
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(reply.header("x-meridian-hedge")).isEqualTo("hedge_won");
    assertThat(tookMs).isLessThan(4_000);
    awaitCondition(Duration.ofSeconds(5), () -> lastExchange.get() != null);
    assertThat(lastExchange.get().hedge()).isEqualTo("hedge_won");
    // The losing primary is cancelled, not left running.
    awaitCondition(Duration.ofSeconds(5), () -> {
      try {
        JsonObject stats = simulatorAdmin(HttpMethod.GET, "/admin/stats", null).getJsonObject("deepseek-v4-pro@us-east");
        return stats != null && stats.getLong("cancelled") >= 1;
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void withoutHedgingTheSlowPrimaryIsWaitedFor() throws Exception {
    observe("deepseek-v4-pro", "us-east", 40);
    observe("deepseek-v4-pro", "eu-west", 200);
    // 2 s added at this scale is 80 ms: slow, but within every deadline.
    fault("deepseek-v4-pro", "us-east", new JsonObject().put("addedLatencyMs", 2_000));
    Reply reply = post("/v1/chat/completions", chat("deepseek-v4-pro", true).encode());
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("us-east");
    assertThat(reply.header("x-meridian-hedge")).isNull();
  }
}
