package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.routing.EndpointBlocklist;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * No provider and no cluster member can keep an endpoint out of routing for longer than max-block-ms,
 * and a malformed block event on the region's address is dropped instead of failing the handler.
 */
class BlockBoundsTest extends RouterTestBase {
  static final long MAX_BLOCK_MS = 1_500;
  static final String ADDRESS = ResilienceState.EVENTS_ADDRESS + REGION;

  @Override
  ResilienceOptions resilienceOptions() {
    return new ResilienceOptions().setMaxBlockMs(MAX_BLOCK_MS);
  }

  JsonObject forged(String endpoint, Object untilMs, Object reason) {
    return new JsonObject().put("action", "block").put("endpoint", endpoint).put("untilMs", untilMs)
        .put("reason", reason).put("region", REGION).put("origin", "rogue-member");
  }

  EndpointBlocklist.Block blockOf(String endpointId) {
    return router.resilience().blocklist().entries().get(endpointId);
  }

  @Test
  void aPeersFarFutureBlockIsCappedAtReceiptAndTheEndpointComesBack() throws Exception {
    observe("glm-5", "us-east", 100);
    observe("glm-5", "eu-west", 200);
    long sent = System.currentTimeMillis();
    vertx.eventBus().publish(ADDRESS, forged("glm-5@us-east", sent + 10L * 86_400_000, "RATE_LIMITED"));
    awaitCondition(Duration.ofSeconds(5), () -> blockOf("glm-5@us-east") != null);
    long received = System.currentTimeMillis();
    assertThat(blockOf("glm-5@us-east").untilMs()).isBetween(sent + MAX_BLOCK_MS, received + MAX_BLOCK_MS);

    Reply whileBlocked = post("/v1/chat/completions", chat("glm-5", false).encode());
    assertThat(whileBlocked.status()).isEqualTo(200);
    assertThat(whileBlocked.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");

    // Ten days were asked for; the endpoint is back within max-block-ms.
    awaitCondition(Duration.ofSeconds(5),
        () -> !router.resilience().blocklist().isBlocked("glm-5@us-east", System.currentTimeMillis()));
    Reply after = post("/v1/chat/completions", chat("glm-5", false).encode());
    assertThat(after.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("us-east");
  }

  @Test
  void malformedPeerEventsAreIgnoredAtDebugAndLaterValidOnesStillApply() throws Exception {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(uncaught::add);
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger logger = context.getLogger(ResilienceState.class);
    Level saved = logger.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.setContext(context);
    logs.start();
    logger.addAppender(logs);
    logger.setLevel(Level.DEBUG);
    String marker = "sk-looks-like-a-secret-0123456789";
    long future = System.currentTimeMillis() + 60_000;
    try {
      Object[] bodies = {
          forged("glm-5@us-east", future, marker),                            // unknown reason
          forged("glm-5@us-east", null, "RATE_LIMITED"),                      // no untilMs
          forged("glm-5@us-east", String.valueOf(future), "RATE_LIMITED"),    // untilMs as text
          forged("glm-5@us-east", future, "RATE_LIMITED").put("endpoint", 42), // endpoint not a string
          forged("glm-5@us-east", future, "RATE_LIMITED").put("action", "obliterate"),
          forged("glm-5@us-east", future, "RATE_LIMITED").put("region", new JsonArray()),
          new JsonObject().put("action", "lift").put("endpoint", new JsonObject().put("x", marker)).put("region", REGION),
          marker,                                                             // not JSON at all
          42L,
      };
      for (Object body : bodies) {
        vertx.eventBus().publish(ADDRESS, body);
      }
      // Delivered in order after the bad ones: once it is applied, they have all been handled.
      vertx.eventBus().publish(ADDRESS, forged("qwen3-32b@eu-west", future, "BREAKER_OPEN"));
      awaitCondition(Duration.ofSeconds(5), () -> blockOf("qwen3-32b@eu-west") != null);
      assertThat(blockOf("qwen3-32b@eu-west").reason()).isEqualTo(EndpointBlocklist.Reason.BREAKER_OPEN);
      assertThat(blockOf("qwen3-32b@eu-west").untilMs())
          .as("valid but longer than the cap: capped too").isLessThanOrEqualTo(System.currentTimeMillis() + MAX_BLOCK_MS);
      assertThat(router.resilience().blocklist().entries()).containsOnlyKeys("qwen3-32b@eu-west");

      // A valid lift still lifts a peer's breaker block.
      vertx.eventBus().publish(ADDRESS, new JsonObject().put("action", "lift").put("endpoint", "qwen3-32b@eu-west")
          .put("region", REGION).put("origin", "rogue-member"));
      awaitCondition(Duration.ofSeconds(5), () -> blockOf("qwen3-32b@eu-west") == null);
    } finally {
      logger.detachAppender(logs);
      logger.setLevel(saved);
    }
    assertThat(uncaught).isEmpty();
    List<String> ignored = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith("ignored a malformed block event")).toList();
    assertThat(ignored).hasSize(9);
    assertThat(logs.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.DEBUG));
    assertThat(String.join("\n", ignored)).doesNotContain(marker);
  }

  @Test
  void aProvidersHugeRetryAfterIsCappedAndSoIsTheWaitTheClientIsTold() throws Exception {
    observe("glm-5", "us-east", 100);
    observe("glm-5", "eu-west", 200);
    // A day, the most the simulator sends; far beyond the cap.
    fault("glm-5", "us-east", new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 86_400));
    Reply reply = post("/v1/chat/completions", chat("glm-5", false).encode());
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(blockOf("glm-5@us-east").untilMs()).isLessThanOrEqualTo(System.currentTimeMillis() + MAX_BLOCK_MS);

    // A Retry-After beyond a long of milliseconds neither overflows into the past nor escapes the cap.
    long before = System.currentTimeMillis();
    router.resilience().rateLimited(catalog.endpoint("qwen3-8b", "us-east"), Long.MAX_VALUE);
    assertThat(blockOf("qwen3-8b@us-east").untilMs()).isBetween(before + MAX_BLOCK_MS, System.currentTimeMillis() + MAX_BLOCK_MS);

    for (String region : new String[] {"us-east", "eu-west", "ap-southeast"}) {
      observe("doubao-seed-lite", region, 100);
      fault("doubao-seed-lite", region, new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 86_400));
    }
    Reply limited = post("/v1/chat/completions", chat("doubao-seed-lite", false).encode());
    assertThat(limited.status()).isEqualTo(429);
    assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(1L, (MAX_BLOCK_MS + 999) / 1000);
  }

  /** Issue 22, finding 4: a peer's blocks of endpoints the catalog does not have only pile up; dropped. */
  @Test
  void aPeersBlockOfAnEndpointNotInTheCatalogIsDropped() throws Exception {
    long future = System.currentTimeMillis() + 60_000;
    for (int i = 0; i < 50; i++) {
      vertx.eventBus().publish(ADDRESS, forged("made-up-" + i + "@us-east", future, "RATE_LIMITED"));
    }
    vertx.eventBus().publish(ADDRESS, forged("glm-5@nowhere", future, "RATE_LIMITED"));
    // Delivered in order after the others: once it is applied, they have all been handled.
    vertx.eventBus().publish(ADDRESS, forged("glm-5@eu-west", future, "RATE_LIMITED"));
    awaitCondition(Duration.ofSeconds(5), () -> blockOf("glm-5@eu-west") != null);
    assertThat(router.resilience().blocklist().entries()).containsOnlyKeys("glm-5@eu-west");
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("action", "lift").put("endpoint", "glm-5@eu-west")
        .put("region", REGION).put("origin", "peer"));
    awaitCondition(Duration.ofSeconds(5), () -> blockOf("glm-5@eu-west") == null);
  }
}
