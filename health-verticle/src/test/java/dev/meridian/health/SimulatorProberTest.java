package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.simulator.SimulatedProviders;
import dev.meridian.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prober against the simulator at a tenth of real time without jitter, so the simulated profile
 * gives exact lower bounds: TTFT = (endpoint TTFT + round trip from the caller's region) x 0.1.
 */
@ExtendWith(VertxExtension.class)
class SimulatorProberTest {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatorProberTest.class);
  private static final double SCALE = 0.1;
  private static final String KEY = "sk-sim-probe-key";

  private SimulatorAdmin admin;
  private Catalog catalog;
  private Prober prober;

  @BeforeEach
  void setUp(Vertx vertx) {
    Catalog full = CatalogLoader.loadDefault();
    admin =
        SimulatorAdmin.deploy(
                vertx,
                full,
                new SimulatorOptions().setLatencyScale(SCALE).setJitterRatio(0).setRequiredApiKey(KEY))
            .await();
    catalog = SimulatedProviders.pointAt(full, admin.simulator, "127.0.0.1");
    prober = prober(vertx, new HealthOptions().setRegion("us-east").setProbeTimeoutMs(2_000));
  }

  @AfterEach
  void tearDown() {
    prober.close().await();
  }

  private Prober prober(Vertx vertx, HealthOptions options) {
    Map<String, String> keys = new java.util.HashMap<>();
    catalog.providers().forEach(p -> keys.put(p.apiKeyEnv(), KEY));
    return new Prober(vertx, options, ApiKeys.of(keys));
  }

  private ProbeResult probe(Prober with, String model, String region) throws Exception {
    return with.probe(ProbeTarget.of("us-east", catalog.endpoint(model, region)))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void ttftAndSpeedFollowTheSimulatedProfile() throws Exception {
    probe(prober, "qwen3-8b", "us-east"); // warm the pooled connection: measure the model, not TCP set-up
    // glm-5: 500 ms nominal in us-east, published 420 ms in ap-southeast plus a 210 ms round trip.
    ProbeResult near = probe(prober, "glm-5", "us-east");
    ProbeResult far = probe(prober, "glm-5", "ap-southeast");
    LOG.info("glm-5 from us-east at scale {}: us-east ttft {} ms {} tok/s, ap-southeast ttft {} ms {} tok/s",
        SCALE, near.ttftMs(), near.tokensPerSecond(), far.ttftMs(), far.tokensPerSecond());

    assertThat(near.outcome()).isEqualTo(ProbeOutcome.OK);
    assertThat(near.ttftMs()).isBetween(500 * SCALE - 1, 500 * SCALE + 400);
    assertThat(far.outcome()).isEqualTo(ProbeOutcome.OK);
    assertThat(far.ttftMs()).isBetween((420 + 210) * SCALE - 1, (420 + 210) * SCALE + 400);
    // 25 tokens/s nominal, sped up tenfold by the scale.
    assertThat(near.tokensPerSecond()).isBetween(25 / SCALE * 0.5, 25 / SCALE * 1.5);
    assertThat(near.completionTokens()).isEqualTo(16);
    assertThat(near.promptTokens()).isPositive();
    assertThat(near.costDollars()).isPositive();
  }

  @Test
  void reasoningModelIsHealthyWhateverItsTinyBudget(Vertx vertx) throws Exception {
    for (int maxTokens : new int[] {1, 4, 16}) {
      Prober budget = prober(vertx, new HealthOptions().setRegion("us-east").setProbeMaxTokens(maxTokens));
      try {
        ProbeResult result = probe(budget, "deepseek-r1", "us-east");

        assertThat(result.outcome()).as("max_tokens %d", maxTokens).isEqualTo(ProbeOutcome.OK);
        assertThat(result.ttftMs()).isGreaterThanOrEqualTo(800 * SCALE - 1);
        assertThat(result.completionTokens()).isEqualTo(maxTokens);
      } finally {
        budget.close().await();
      }
    }
  }

  @Test
  void anEmbeddingEndpointIsProbedWithAOneTokenEmbeddingTimedToTheWholeAnswer() throws Exception {
    probe(prober, "text-embedding-v4", "us-east"); // warm the pooled connection
    // 110 ms nominal, x0.83 from Singapore, plus the 210 ms round trip from us-east.
    ProbeResult far = probe(prober, "text-embedding-v4", "ap-southeast");
    assertThat(far.outcome()).isEqualTo(ProbeOutcome.OK);
    assertThat(far.ttftMs()).isBetween((110 * 0.83 + 210) * SCALE - 1, (110 * 0.83 + 210) * SCALE + 400);
    assertThat(far.tokensPerSecond()).as("nothing is generated").isNaN();
    assertThat(far.promptTokens()).isPositive();
    assertThat(far.completionTokens()).isZero();
    assertThat(far.costDollars()).isPositive();
  }

  @Test
  void anEmbeddingEndpointsErrorsAndStallsAreTheirOutcomes(Vertx vertx) throws Exception {
    admin.fault("text-embedding-v4", "us-east", new JsonObject().put("errorRate", 1.0).put("errorStatus", 503)).await();
    admin.fault("text-embedding-v4", "eu-west", new JsonObject().put("stallAfterChunks", 0)).await();
    ProbeResult failing = probe(prober, "text-embedding-v4", "us-east");
    assertThat(failing.outcome()).isEqualTo(ProbeOutcome.HTTP_ERROR);
    assertThat(failing.httpStatus()).isEqualTo(503);
    Prober quick = prober(vertx, new HealthOptions().setRegion("us-east").setProbeTimeoutMs(300));
    try {
      long start = System.nanoTime();
      ProbeResult stalled = probe(quick, "text-embedding-v4", "eu-west");
      assertThat(stalled.outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    } finally {
      quick.close().await();
    }
  }

  @Test
  void downEndpointIsAConnectError() throws Exception {
    admin.fault("glm-5", "us-east", new JsonObject().put("down", true)).await();

    ProbeResult result = probe(prober, "glm-5", "us-east");

    assertThat(result.outcome()).isIn(ProbeOutcome.CONNECT_ERROR, ProbeOutcome.PROTOCOL_ERROR);
    assertThat(result.error()).doesNotContain(KEY);
  }

  @Test
  void rateLimitIsRateLimitedAndErrorsAreHttpErrors() throws Exception {
    admin.fault("glm-5", "us-east", new JsonObject().put("rateLimitRate", 1.0)).await();
    admin.fault("glm-5", "eu-west", new JsonObject().put("errorRate", 1.0).put("errorStatus", 503)).await();

    ProbeResult limited = probe(prober, "glm-5", "us-east");
    ProbeResult failing = probe(prober, "glm-5", "eu-west");

    assertThat(limited.outcome()).isEqualTo(ProbeOutcome.RATE_LIMITED);
    assertThat(limited.httpStatus()).isEqualTo(429);
    assertThat(failing.outcome()).isEqualTo(ProbeOutcome.HTTP_ERROR);
    assertThat(failing.httpStatus()).isEqualTo(503);
  }

  @Test
  void stalledStreamTimesOutWithinTheDeadline(Vertx vertx) throws Exception {
    admin.fault("qwen3-8b", "us-east", new JsonObject().put("stallAfterChunks", 0)).await();
    admin.fault("qwen3-8b", "eu-west", new JsonObject().put("stallAfterChunks", 3)).await();
    Prober quick = prober(vertx, new HealthOptions().setRegion("us-east").setProbeTimeoutMs(400));
    try {
      long start = System.nanoTime();
      ProbeResult beforeFirst = probe(quick, "qwen3-8b", "us-east");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      ProbeResult midStream = probe(quick, "qwen3-8b", "eu-west");

      assertThat(beforeFirst.outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
      assertThat(tookMs).isBetween(390L, 1_500L);
      assertThat(midStream.outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
      assertThat(midStream.error()).isEqualTo("stream not complete within 400 ms");
    } finally {
      quick.close().await();
    }
  }

  @Test
  void streamResetAfterSomeChunksIsAProtocolError() throws Exception {
    admin.fault("qwen3-8b", "ap-southeast", new JsonObject().put("resetAfterChunks", 2)).await();

    ProbeResult result = probe(prober, "qwen3-8b", "ap-southeast");

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.PROTOCOL_ERROR);
    assertThat(result.error()).startsWith("stream broken after 2 tokens");
  }

  @Test
  void withoutTheKeyTheProbeIsRejected(Vertx vertx) throws Exception {
    Prober keyless = new Prober(vertx, new HealthOptions().setRegion("us-east"), ApiKeys.of(Map.of()));
    try {
      ProbeResult result = probe(keyless, "glm-5", "us-east");

      assertThat(result.outcome()).isEqualTo(ProbeOutcome.HTTP_ERROR);
      assertThat(result.httpStatus()).isEqualTo(401);
    } finally {
      keyless.close().await();
    }
  }

  @Test
  void theSimulatorCountsProbesAsProbesFromOurRegion() throws Exception {
    probe(prober, "step-3.5-flash", "eu-west");
    probe(prober, "step-3.5-flash", "eu-west");

    JsonObject stats = admin.stats("step-3.5-flash@eu-west").await();

    assertThat(stats.getLong("requests")).isEqualTo(2);
    assertThat(stats.getLong("probes")).isEqualTo(2);
    assertThat(stats.getLong("authorizationPresent")).isEqualTo(2);
    assertThat(stats.getJsonObject("callerRegions").getLong("us-east")).isEqualTo(2);
  }
}
