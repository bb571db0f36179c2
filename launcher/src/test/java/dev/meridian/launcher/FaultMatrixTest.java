package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.launcher.NodeTestSupport.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per fault the simulator can inject, each on a fresh standalone node (so no breaker, block or
 * budget carries over), asserting what the client sees and which endpoint served it.
 *
 * <p>The route is made deterministic by hand: from us-east, {@value #MODEL} is observed at 10 ms in
 * us-east, 20 ms in eu-west and 30 ms in ap-southeast, stamped a minute ahead so the node's own probes
 * (one round only, the interval is an hour) cannot reorder them. Faults go on the primary, us-east.
 *
 * <p>Timing at latency scale 0.02: a normal answer takes ~55 ms (TTFT 3.6 ms + 150 tokens at 60/s,
 * scaled); the first-token and idle deadlines are 300 ms; a fault's {@code addedLatencyMs} is scaled
 * too (5000 -> 100 ms, 50000 -> 1000 ms).
 */
class FaultMatrixTest {
  private static final String MODEL = "deepseek-v4-flash";
  private static final String PRIMARY = "us-east";
  private static final String SECOND = "eu-west";
  private static final String THIRD = "ap-southeast";
  private static final long FIRST_TOKEN_TIMEOUT_MS = 300;
  private static final long IDLE_TIMEOUT_MS = 300;

  @TempDir Path dir;
  MeridianNode node;
  TestHttp http;

  @BeforeEach
  void start() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.of(MODEL));
    node = NodeTestSupport.start(
        List.of("embedded", "--standalone", "--port", "0", "--simulator-port", "0",
            "--catalog", catalog.toString(), "--latency-scale", "0.02",
            "--probe-interval-ms", "3600000", "--router-instances", "1",
            "--first-token-timeout-ms", Long.toString(FIRST_TOKEN_TIMEOUT_MS),
            "--idle-timeout-ms", Long.toString(IDLE_TIMEOUT_MS)),
        Map.of());
    awaitCondition(Duration.ofSeconds(20), node::isReady);
    NodeTestSupport.observeHealthy(node, PRIMARY, MODEL, PRIMARY, 10);
    NodeTestSupport.observeHealthy(node, PRIMARY, MODEL, SECOND, 20);
    NodeTestSupport.observeHealthy(node, PRIMARY, MODEL, THIRD, 30);
    http = new TestHttp();
    // Fault-free, the primary serves in one attempt: the baseline every test below departs from.
    Reply baseline = chat(false);
    assertServedBy(baseline, PRIMARY, 1);
    assertCompletion(baseline);
  }

  @AfterEach
  void stop() throws Exception {
    if (http != null) {
      http.close();
    }
    if (node != null) {
      node.close().await(20, TimeUnit.SECONDS);
    }
  }

  // ---- error rate -------------------------------------------------------------------------------

  @Test
  void errorRateOnThePrimaryIsRetriedOnTheNextRegionAndAllFailingIsAClean502() throws Exception {
    fault(PRIMARY, new JsonObject().put("errorRate", 1.0));

    Reply whole = chat(false);
    assertServedBy(whole, SECOND, 2);
    assertCompletion(whole);
    Reply streamed = chat(true);
    assertThat(streamed.header(MeridianHeaders.ROUTE_REGION)).isEqualTo(SECOND);
    assertCompleteStream(streamed);
    assertThat(faultCount(PRIMARY, "error")).as("the primary was tried and answered 500").isGreaterThanOrEqualTo(1);

    // No route left: a 502 in OpenAI's shape, not a hang or a reset.
    fault(SECOND, new JsonObject().put("errorRate", 1.0).put("errorStatus", 503));
    fault(THIRD, new JsonObject().put("errorRate", 1.0));
    Reply none = chat(false);
    assertThat(none.status()).isEqualTo(502);
    assertThat(none.header("content-type")).startsWith("application/json");
    JsonObject error = none.body().toJsonObject().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("server_error");
    assertThat(error.getString("code")).isEqualTo("upstream_error");
    assertThat(error.getString("message")).contains(MODEL);
  }

  // ---- 429 + Retry-After ------------------------------------------------------------------------

  @Test
  void rateLimitedPrimaryIsReplacedByTheNextRegionAndAllRateLimitedIsA429WithRetryAfter() throws Exception {
    fault(PRIMARY, new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 2));

    Reply first = chat(false);
    assertServedBy(first, SECOND, 2);
    assertCompletion(first);
    assertThat(faultCount(PRIMARY, "rateLimit")).isEqualTo(1);
    Reply streamed = chat(true);
    assertThat(streamed.header(MeridianHeaders.ROUTE_REGION)).isEqualTo(SECOND);
    assertCompleteStream(streamed);

    fault(SECOND, new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 5));
    fault(THIRD, new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 3));
    Reply none = chat(false);
    assertThat(none.status()).isEqualTo(429);
    assertThat(none.header("retry-after")).as("Retry-After on a 429").isNotNull();
    assertThat(Long.parseLong(none.header("retry-after"))).isBetween(1L, 5L);
    assertThat(none.body().toJsonObject().getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
  }

  @Test
  void rateLimitedPrimaryGetsNoTrafficBeforeItsRetryAfterAndGetsItBackAfterwards() throws Exception {
    fault(PRIMARY, new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 2));
    long firstSent = System.nanoTime();
    assertServedBy(chat(false), SECOND, 2);
    assertThat(faultCount(PRIMARY, "rateLimit")).isEqualTo(1);

    // Within the Retry-After the primary must not be asked again: served by the next region at once.
    Reply during = chat(false);
    assertServedBy(during, SECOND, 1);
    assertThat(faultCount(PRIMARY, "rateLimit"))
        .as("requests sent to the rate-limited primary during its Retry-After").isEqualTo(1);

    // The provider recovers; the router returns to it once the 2 s have passed, not before.
    clearFault(PRIMARY);
    long[] backAt = {0};
    awaitCondition(Duration.ofSeconds(6), () -> {
      long sent = System.nanoTime();
      Reply reply = chatUnchecked(false);
      assertThat(reply.status()).isEqualTo(200);
      if (PRIMARY.equals(reply.header(MeridianHeaders.ROUTE_REGION))) {
        backAt[0] = sent;
        return true;
      }
      return false;
    });
    long backAfterMs = TimeUnit.NANOSECONDS.toMillis(backAt[0] - firstSent);
    System.out.println("[FaultMatrix] 429 Retry-After 2 s: primary used again " + backAfterMs + " ms after the first 429");
    assertThat(backAfterMs).isBetween(1_950L, 3_500L);
  }

  // ---- added latency ----------------------------------------------------------------------------

  @Test
  void addedLatencyWithinTheFirstTokenDeadlineIsServedSlowlyByThePrimary() throws Exception {
    fault(PRIMARY, new JsonObject().put("addedLatencyMs", 5_000)); // 100 ms at this scale

    long start = System.nanoTime();
    Reply reply = chat(true);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertServedBy(reply, PRIMARY, 1);
    assertCompleteStream(reply);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(100);
    assertThat(faultCount(PRIMARY, "addedLatency")).isEqualTo(1);
  }

  @Test
  void addedLatencyBeyondTheFirstTokenDeadlineMovesToTheNextRegion() throws Exception {
    fault(PRIMARY, new JsonObject().put("addedLatencyMs", 50_000)); // 1000 ms at this scale

    long start = System.nanoTime();
    Reply reply = chat(true);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertServedBy(reply, SECOND, 2);
    assertCompleteStream(reply);
    assertThat(elapsedMs).as("waited for the first-token deadline, not for the slow primary")
        .isGreaterThanOrEqualTo(FIRST_TOKEN_TIMEOUT_MS).isLessThan(1_000);
    // The abandoned upstream request is cancelled, not left running.
    awaitCondition(Duration.ofSeconds(5), () -> stat(PRIMARY, "cancelled") >= 1);
  }

  // ---- stall ------------------------------------------------------------------------------------

  @Test
  void stallBeforeTheFirstByteMovesOnAfterTheFirstTokenDeadline() throws Exception {
    fault(PRIMARY, new JsonObject().put("stallAfterChunks", 0));

    long start = System.nanoTime();
    Reply streamed = chat(true);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertServedBy(streamed, SECOND, 2);
    assertCompleteStream(streamed);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(FIRST_TOKEN_TIMEOUT_MS);

    assertThat(faultCount(PRIMARY, "stall")).isEqualTo(1);
  }

  @Test
  void stalledNonStreamedAnswerMovesOnAfterItsShareOfTheRequestDeadline() throws Exception {
    fault(PRIMARY, new JsonObject().put("stallAfterChunks", 0));

    // A non-streamed answer arrives whole, after the full generation, so the router cannot hold it to
    // the first-token deadline: each attempt gets the first-token deadline plus its output budget at half
    // the model's speed, but never more than its share of the request deadline. The client shortens the
    // request deadline to 3 s with the header, so the stalled primary is given up after ~1 s.
    long start = System.nanoTime();
    Reply whole = http.chat(node.routerPort(), MODEL, false, Map.of("x-meridian-timeout-ms", "3000"));
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.println("[FaultMatrix] stalled non-streamed primary, request deadline 3 s: served after " + elapsedMs + " ms");

    assertServedBy(whole, SECOND, 2);
    assertCompletion(whole);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(900).isLessThan(3_000);
    assertThat(faultCount(PRIMARY, "stall")).isEqualTo(1);
  }

  @Test
  void stallAfterTheFirstByteEndsTheStreamWithAnSseErrorEventAfterTheIdleDeadline() throws Exception {
    fault(PRIMARY, new JsonObject().put("stallAfterChunks", 3));

    long start = System.nanoTime();
    Reply reply = chat(true);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // No silent switch after the first byte: the primary's three chunks, then an error event, then a
    // clean end of the response (reading the body to its end would fail on a reset).
    assertServedBy(reply, PRIMARY, 1);
    assertThat(reply.header("content-type")).startsWith("text/event-stream");
    assertStreamCutWithErrorEvent(reply, 3);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(IDLE_TIMEOUT_MS);
  }

  // ---- reset ------------------------------------------------------------------------------------

  @Test
  void connectionResetBeforeAnyResponseIsRetriedOnTheNextRegion() throws Exception {
    fault(PRIMARY, new JsonObject().put("resetRate", 1.0));

    Reply whole = chat(false);
    assertServedBy(whole, SECOND, 2);
    assertCompletion(whole);
    Reply streamed = chat(true);
    assertThat(streamed.header(MeridianHeaders.ROUTE_REGION)).isEqualTo(SECOND);
    assertCompleteStream(streamed);
    assertThat(faultCount(PRIMARY, "reset")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void resetAfterChunksEndsTheStreamWithAnSseErrorEventButANonStreamedAnswerMovesOn() throws Exception {
    fault(PRIMARY, new JsonObject().put("resetAfterChunks", 3));

    Reply streamed = chat(true);
    assertServedBy(streamed, PRIMARY, 1);
    assertStreamCutWithErrorEvent(streamed, 3);

    // Non-streamed, the upstream closes when its answer was due: nothing reached the client yet, so the
    // router may and must move on.
    Reply whole = chat(false);
    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.header(MeridianHeaders.ROUTE_REGION)).isEqualTo(SECOND);
    assertCompletion(whole);
    assertThat(faultCount(PRIMARY, "resetAfterChunks")).isEqualTo(2);
  }

  // ---- down -------------------------------------------------------------------------------------

  @Test
  void downEndpointsAreSkippedInOrderAndAllDownIsAClean502() throws Exception {
    fault(PRIMARY, new JsonObject().put("down", true));
    Reply whole = chat(false);
    assertServedBy(whole, SECOND, 2);
    assertCompletion(whole);
    Reply streamed = chat(true);
    assertThat(streamed.header(MeridianHeaders.ROUTE_REGION)).isEqualTo(SECOND);
    assertCompleteStream(streamed);

    fault(SECOND, new JsonObject().put("down", true));
    Reply third = chat(true);
    assertThat(third.status()).isEqualTo(200);
    assertThat(third.header(MeridianHeaders.ROUTE_REGION)).isEqualTo(THIRD);
    assertCompleteStream(third);

    fault(THIRD, new JsonObject().put("down", true));
    Reply none = chat(false);
    assertThat(none.status()).isEqualTo(502);
    assertThat(none.header(MeridianHeaders.ATTEMPTS)).isEqualTo("3");
    JsonObject error = none.body().toJsonObject().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("server_error");
    assertThat(error.getString("code")).isEqualTo("upstream_error");
    assertThat(error.getString("message")).contains(MODEL);
    assertThat(faultCount(THIRD, "down")).isGreaterThanOrEqualTo(1);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private Reply chat(boolean stream) throws Exception {
    return http.chat(node.routerPort(), MODEL, stream);
  }

  private Reply chatUnchecked(boolean stream) {
    try {
      return chat(stream);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertServedBy(Reply reply, String region, int attempts) {
    assertThat(reply.status()).as("status; body: %s", reply.body()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo(MODEL);
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).as("serving region").isEqualTo(region);
    assertThat(reply.header(MeridianHeaders.ATTEMPTS)).as("attempts").isEqualTo(Integer.toString(attempts));
  }

  private static void assertCompletion(Reply reply) {
    JsonObject completion = reply.body().toJsonObject();
    assertThat(completion.getString("object")).isEqualTo("chat.completion");
    assertThat(completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
        .isNotBlank();
  }

  private static void assertCompleteStream(Reply reply) {
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("content-type")).startsWith("text/event-stream");
    String text = reply.body().toString();
    assertThat(text).endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
  }

  /** Exactly {@code chunks} token chunks, then one OpenAI-shaped error event, and no {@code [DONE]}. */
  private static void assertStreamCutWithErrorEvent(Reply reply, int chunks) {
    assertThat(reply.status()).isEqualTo(200);
    List<String> events = events(reply.body().toString());
    assertThat(events).doesNotContain("[DONE]");
    assertThat(events).hasSize(chunks + 1);
    for (String event : events.subList(0, chunks)) {
      assertThat(new JsonObject(event).getString("object")).isEqualTo("chat.completion.chunk");
    }
    JsonObject error = new JsonObject(events.get(chunks)).getJsonObject("error");
    assertThat(error).as("last event is an OpenAI error").isNotNull();
    assertThat(error.getString("type")).isEqualTo("server_error");
    assertThat(error.getString("code")).isNotBlank();
    assertThat(error.getString("message")).isNotBlank();
  }

  /** The payloads of an SSE body's {@code data:} events, in order. */
  private static List<String> events(String sse) {
    List<String> events = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      String trimmed = block.strip();
      if (trimmed.startsWith("data: ")) {
        events.add(trimmed.substring("data: ".length()));
      }
    }
    return events;
  }

  private void fault(String region, JsonObject spec) throws Exception {
    http.fault(node.simulatorPort(), MODEL, region, spec);
  }

  private void clearFault(String region) throws Exception {
    http.admin(node.simulatorPort(), HttpMethod.DELETE, "/admin/faults/" + MODEL + "/" + region, null);
  }

  /** This endpoint's counters from {@code GET /admin/stats}: requests, probes, cancelled, faults by kind. */
  private JsonObject endpointStats(String region) {
    try {
      JsonObject stats = http.admin(node.simulatorPort(), HttpMethod.GET, "/admin/stats", null).toJsonObject();
      JsonObject endpoint = stats.getJsonObject(MODEL + "@" + region);
      return endpoint == null ? new JsonObject() : endpoint;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private long stat(String region, String field) {
    return endpointStats(region).getLong(field, 0L);
  }

  private long faultCount(String region, String kind) {
    JsonObject faults = endpointStats(region).getJsonObject("faults");
    return faults == null ? 0 : faults.getLong(kind, 0L);
  }
}
