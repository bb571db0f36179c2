package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.health.FakeUpstream.Behaviour;
import dev.meridian.health.FakeUpstream.Mode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The prober against a scripted upstream: outcomes, timings, headers and the request it sends. */
@ExtendWith(VertxExtension.class)
class ProberTest {
  private static final String KEY = "sk-test-secret-123";

  private FakeUpstream upstream;
  private Catalog catalog;
  private Prober prober;
  private HealthOptions options;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = FakeUpstream.start(vertx).await();
    catalog = upstream.pointAt(CatalogLoader.loadDefault());
    options = new HealthOptions().setRegion("us-east").setProbeTimeoutMs(2_000);
    prober = new Prober(vertx, options, ApiKeys.of(Map.of("ZHIPU_API_KEY", KEY)));
  }

  @AfterEach
  void tearDown() {
    prober.close().await();
    upstream.close().await();
  }

  private ProbeResult probe(String model, String region) throws Exception {
    return probe(prober, model, region);
  }

  private ProbeResult probe(Prober with, String model, String region) throws Exception {
    Future<ProbeResult> result = with.probe(ProbeTarget.of("us-east", catalog.endpoint(model, region)));
    return result.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void healthyStreamMeasuresTtftRateTokensAndCost() throws Exception {
    upstream.behave("glm-5@eu-west", Behaviour.ok(120, 10));

    ProbeResult result = probe("glm-5", "eu-west");

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.OK);
    assertThat(result.httpStatus()).isEqualTo(200);
    assertThat(result.ttftMs()).isBetween(120.0, 1_000.0);
    // 16 tokens 10 ms apart: 15 tokens over ~150 ms, about 100 tokens/s (timers are coarse).
    assertThat(result.tokensPerSecond()).isBetween(40.0, 110.0);
    assertThat(result.promptTokens()).isEqualTo(11);
    assertThat(result.completionTokens()).isEqualTo(16);
    assertThat(result.costDollars()).isGreaterThan(0);
    assertThat(result.error()).isNull();
    assertThat(result.key().asString()).isEqualTo("us-east|glm-5|eu-west");
  }

  @Test
  void sendsAMinimalStreamingRequestMarkedAsAProbe() throws Exception {
    probe("glm-5", "ap-southeast");
    probe("qwen3-8b", "us-east");

    FakeUpstream.Recorded withKey = upstream.requests().get(0);
    assertThat(withKey.endpoint()).isEqualTo("glm-5@ap-southeast");
    assertThat(withKey.headers().get("x-meridian-probe")).isEqualTo("true");
    assertThat(withKey.headers().get("x-meridian-router-region")).isEqualTo("us-east");
    assertThat(withKey.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(withKey.headers().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(withKey.body().getBoolean("stream")).isTrue();
    assertThat(withKey.body().getInteger("max_tokens")).isEqualTo(16);
    assertThat(withKey.body().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    assertThat(withKey.body().getJsonArray("messages").getJsonObject(0).getString("content"))
        .isEqualTo("Reply with one word: ok");

    FakeUpstream.Recorded withoutKey = upstream.requests().get(1);
    assertThat(withoutKey.headers().contains("Authorization")).isFalse();
  }

  @Test
  void asksForTheProvidersModelName() throws Exception {
    probe("deepseek-r1", "eu-west");

    assertThat(upstream.requests().get(0).body().getString("model")).isEqualTo("deepseek-reasoner");
  }

  @Test
  void sequentialProbesReuseAKeptAliveConnection() throws Exception {
    probe("glm-5", "us-east");
    probe("glm-5", "eu-west");
    probe("qwen3-8b", "ap-southeast");

    assertThat(upstream.connections()).isEqualTo(1);
  }

  @Test
  void reasoningModelWhoseTinyBudgetNeverReachesContentIsHealthy(Vertx vertx) throws Exception {
    upstream.behave("deepseek-r1@us-east", new Behaviour(Mode.REASONING_ONLY, 50, 5, 200));
    Prober oneToken =
        new Prober(vertx, new HealthOptions(options).setProbeMaxTokens(1), ApiKeys.of(Map.of()));
    try {
      ProbeResult result = probe(oneToken, "deepseek-r1", "us-east");

      assertThat(result.outcome()).isEqualTo(ProbeOutcome.OK);
      assertThat(result.ttftMs()).isGreaterThanOrEqualTo(50.0);
      assertThat(result.completionTokens()).isEqualTo(1);
      assertThat(result.tokensPerSecond()).isNaN(); // one token has no rate
    } finally {
      oneToken.close().await();
    }
  }

  @Test
  void status429IsRateLimitedAndTheBodyNeverLeaksTheKey() throws Exception {
    upstream.behave("glm-5@us-east", Behaviour.status(429));

    ProbeResult result = probe("glm-5", "us-east");

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.RATE_LIMITED);
    assertThat(result.httpStatus()).isEqualTo(429);
    assertThat(result.error()).isEqualTo("HTTP 429").doesNotContain(KEY);
  }

  /** Issue 22, finding 1: the error's type was quoted into the result (the log, /status.json, the cluster). */
  @Test
  void anErrorEventQuotingTheKeyIsRecordedWithoutIt() throws Exception {
    upstream.behave("glm-5@us-east", Behaviour.of(Mode.ERROR_EVENT));

    ProbeResult result = probe("glm-5", "us-east");

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.PROTOCOL_ERROR);
    assertThat(result.error()).startsWith("upstream error in stream: bad_key_").contains("[REDACTED]")
        .doesNotContain(KEY.substring(0, 8)).doesNotContain(KEY.substring(KEY.length() - 8));
  }

  @Test
  void otherErrorStatusIsHttpError() throws Exception {
    upstream.behave("glm-5@us-east", Behaviour.status(503));

    ProbeResult result = probe("glm-5", "us-east");

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.HTTP_ERROR);
    assertThat(result.httpStatus()).isEqualTo(503);
  }

  @Test
  void connectionClosedBeforeAResponseIsAConnectError() throws Exception {
    upstream.behave("glm-5@us-east", Behaviour.of(Mode.CLOSE));

    ProbeResult result = probe("glm-5", "us-east");

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.CONNECT_ERROR);
    assertThat(result.error()).isNotBlank().doesNotContain(KEY);
  }

  @Test
  void refusedConnectionIsAConnectError(Vertx vertx) throws Exception {
    NetServer placeholder = vertx.createNetServer().connectHandler(s -> {}).listen(0, "127.0.0.1").await();
    int closedPort = placeholder.actualPort();
    placeholder.close().await();
    Catalog nowhere = catalog.withBaseUrls((p, r) -> "http://127.0.0.1:" + closedPort + "/v1");
    ProbeTarget target = ProbeTarget.of("us-east", nowhere.endpoint("glm-5", "us-east"));

    ProbeResult result =
        prober.probe(target).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.CONNECT_ERROR);
    assertThat(result.httpStatus()).isZero();
  }

  @Test
  void stalledStreamTimesOutAtTheDeadline(Vertx vertx) throws Exception {
    upstream.behave("glm-5@us-east", Behaviour.of(Mode.STALL));
    Prober quick = new Prober(vertx, new HealthOptions(options).setProbeTimeoutMs(300), ApiKeys.of(Map.of()));
    try {
      long start = System.nanoTime();
      ProbeResult result = probe(quick, "glm-5", "us-east");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(result.outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
      assertThat(result.error()).isEqualTo("no first token within 300 ms");
      assertThat(tookMs).isBetween(290L, 2_000L);
    } finally {
      quick.close().await();
    }
  }

  @Test
  void successfulStreamWithoutATokenIsAProtocolError() throws Exception {
    upstream.behave("glm-5@us-east", Behaviour.of(Mode.NO_TOKENS));

    ProbeResult result = probe("glm-5", "us-east");

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.PROTOCOL_ERROR);
    assertThat(result.httpStatus()).isEqualTo(200);
    assertThat(result.ttftMs()).isNaN();
  }

  @Test
  void streamBrokenAfterTheFirstTokenIsAProtocolError() throws Exception {
    upstream.behave("glm-5@us-east", Behaviour.of(Mode.BREAK));

    ProbeResult result = probe("glm-5", "us-east");

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.PROTOCOL_ERROR);
    assertThat(result.error()).startsWith("stream broken after 1 tokens");
    assertThat(result.ttftMs()).isGreaterThan(0);
  }
}
