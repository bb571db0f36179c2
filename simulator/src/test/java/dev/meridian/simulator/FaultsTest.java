package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FaultsTest extends SimulatorTestBase {
  private static final String MODEL = "deepseek-v4-flash";
  private static final String REGION = "us-east";
  private static final String ENDPOINT = MODEL + "@" + REGION;
  /** How long "nothing more happens" is watched for. */
  private static final long QUIET_MS = 300;

  private SimulatorStats.EndpointStats stats() {
    return simulator.stats().endpoint(ENDPOINT);
  }

  private void fault(FaultSpec spec) {
    simulator.faults().set(MODEL, REGION, spec);
  }

  @Test
  void errorRateOneAnswers500InOpenAiShape() {
    fault(FaultSpec.NONE.withErrorRate(1.0));
    SimClient.Reply reply = client.post(path(MODEL, REGION), chat(MODEL, "hi"));
    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.headers().get(MeridianHeaders.SIMULATOR_ENDPOINT)).isEqualTo(ENDPOINT);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("server_error");
    assertThat(error.getString("message")).isNotBlank();

    fault(FaultSpec.NONE.withErrorRate(1.0).withErrorStatus(503));
    assertThat(client.post(path(MODEL, REGION), chat(MODEL, "hi")).status()).isEqualTo(503);
    assertThat(stats().faults(FaultKind.ERROR)).isEqualTo(2);
    assertThat(stats().completed()).isZero();
  }

  @Test
  void errorRateIsAProbability() {
    fault(FaultSpec.NONE.withErrorRate(0.5));
    int errors = 0;
    for (int i = 0; i < 40; i++) {
      JsonObject body = chat(MODEL, "hi").put("max_tokens", 1);
      if (client.post(path(MODEL, REGION), body).status() == 500) {
        errors++;
      }
    }
    assertThat(errors).isBetween(5, 35);
    assertThat(stats().faults(FaultKind.ERROR)).isEqualTo(errors);
  }

  @Test
  void rateLimitAnswers429WithRetryAfter() {
    fault(FaultSpec.NONE.withRateLimitRate(1.0).withRetryAfterSeconds(7));
    SimClient.Reply reply = client.post(path(MODEL, REGION), chat(MODEL, "hi"));
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.headers().get("retry-after")).isEqualTo("7");
    assertThat(reply.json().getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
    assertThat(stats().faults(FaultKind.RATE_LIMIT)).isEqualTo(1);
  }

  @Test
  void addedLatencyDelaysTheFirstToken() {
    JsonObject body = streamingChat(MODEL, "hi", 2);
    client.stream(path(MODEL, REGION), body, Map.of()).awaitEnd(); // warm up
    long normal = client.stream(path(MODEL, REGION), body, Map.of()).awaitEnd().get(0).atMs();

    fault(FaultSpec.NONE.withAddedLatencyMs(4000)); // 200 ms at 1/20 scale
    long slowed = client.stream(path(MODEL, REGION), body, Map.of()).awaitEnd().get(0).atMs();

    assertThat(slowed).isGreaterThanOrEqualTo((long) ((180 + 4000) * 0.05) - 1);
    assertThat(slowed).isGreaterThan(normal);
    assertThat(stats().faults(FaultKind.ADDED_LATENCY)).isEqualTo(1);
  }

  @Test
  void stallDeliversExactlyNChunksThenNothingUntilTheClientLeaves() throws Exception {
    fault(FaultSpec.NONE.withStallAfterChunks(3));
    SimClient.SseStream stream = client.stream(path(MODEL, REGION), streamingChat(MODEL, "hi", 20), Map.of());

    stream.awaitEvents(3);
    assertThatThrownBy(() -> stream.ended.get(QUIET_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    assertThat(stream.events()).hasSize(3);
    assertThat(stats().faults(FaultKind.STALL)).isEqualTo(1);

    stream.close();
    client.awaitCondition(() -> stats().cancelled() == 1);
    assertThat(stats().completed()).isZero();
  }

  @Test
  void stallOnAWholeCompletionNeverAnswers() {
    fault(FaultSpec.NONE.withStallAfterChunks(0));
    var reply =
        client.callAsync(io.vertx.core.http.HttpMethod.POST, path(MODEL, REGION), chat(MODEL, "hi").encode(), Map.of())
            .toCompletionStage().toCompletableFuture();
    assertThatThrownBy(() -> reply.get(QUIET_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(stats().faults(FaultKind.STALL)).isEqualTo(1);
    client.close(); // the client gives up
    client.awaitCondition(() -> stats().cancelled() == 1);
  }

  @Test
  void resetRateClosesTheConnectionBeforeAnyResponse() {
    fault(FaultSpec.NONE.withResetRate(1.0));
    Throwable failure = client.postExpectingFailure(path(MODEL, REGION), chat(MODEL, "hi"));
    assertThat(failure).isNotNull();
    assertThat(stats().faults(FaultKind.RESET)).isEqualTo(1);
    assertThat(stats().cancelled()).isZero();
  }

  @Test
  void resetAfterChunksDeliversNChunksThenDropsTheConnection() {
    fault(FaultSpec.NONE.withResetAfterChunks(4));
    SimClient.SseStream stream = client.stream(path(MODEL, REGION), streamingChat(MODEL, "hi", 20), Map.of());
    assertThatThrownBy(() -> SimClient.await(stream.ended)).isInstanceOf(AssertionError.class);
    assertThat(stream.head.join()).isEqualTo(200);
    List<SimClient.Event> events = stream.events();
    assertThat(events).hasSize(4);
    assertThat(events).noneMatch(SimClient.Event::done);
    assertThat(stats().faults(FaultKind.RESET_AFTER_CHUNKS)).isEqualTo(1);
  }

  @Test
  void downDropsEveryRequestWithoutAResponse() {
    fault(FaultSpec.NONE.withDown(true));
    for (int i = 0; i < 2; i++) {
      assertThat(client.postExpectingFailure(path(MODEL, REGION), chat(MODEL, "hi"))).isNotNull();
    }
    assertThat(client.postExpectingFailure(path(MODEL, REGION), streamingChat(MODEL, "hi", 3))).isNotNull();
    assertThat(stats().faults(FaultKind.DOWN)).isEqualTo(3);

    // Other endpoints of the same provider, and the same model elsewhere, are unaffected.
    assertThat(client.post(path(MODEL, "eu-west"), chat(MODEL, "hi").put("max_tokens", 1)).status()).isEqualTo(200);
    assertThat(client.post(path("deepseek-v4-pro", REGION), chat("deepseek-v4-pro", "hi").put("max_tokens", 1)).status())
        .isEqualTo(200);

    simulator.faults().clear(MODEL, REGION);
    assertThat(client.post(path(MODEL, REGION), chat(MODEL, "hi").put("max_tokens", 1)).status()).isEqualTo(200);
  }

  @Test
  void clientLeavingMidStreamIsCountedAsCancelled() {
    SimClient.SseStream stream =
        client.stream(path("qwen3.5-397b", REGION), streamingChat("qwen3.5-397b", "hi", 400), Map.of());
    stream.awaitEvents(2);
    stream.close();
    client.awaitCondition(() -> simulator.stats().endpoint("qwen3.5-397b@" + REGION).cancelled() == 1);
    assertThat(simulator.stats().endpoint("qwen3.5-397b@" + REGION).completed()).isZero();
  }
}
