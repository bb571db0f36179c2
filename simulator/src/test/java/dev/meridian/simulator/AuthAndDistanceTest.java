package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs at half real time: distance must stand out clearly from scheduling noise. */
class AuthAndDistanceTest extends SimulatorTestBase {
  private static final String KEY = "sk-sim-test-0123456789";

  @Override
  SimulatorOptions options() {
    return super.options().setLatencyScale(0.5).setRequiredApiKey(KEY);
  }

  private static Map<String, String> auth(String callerRegion) {
    return Map.of("Authorization", "Bearer " + KEY, MeridianHeaders.ROUTER_REGION, callerRegion);
  }

  @Test
  void requiredKeyRejectsMissingOrWrongKeysWith401() {
    String path = path("step-3.5-flash", "us-east");
    JsonObject body = chat("step-3.5-flash", "hi").put("max_tokens", 1);

    SimClient.Reply missing = client.post(path, body);
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.json().getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
    assertThat(client.post(path, body, Map.of("Authorization", "Bearer nope")).status()).isEqualTo(401);
    assertThat(client.get("/us-east/stepfun/v1/models").status()).isEqualTo(401);
    assertThat(client.post(path, body, Map.of("Authorization", "Bearer " + KEY)).status()).isEqualTo(200);

    SimulatorStats.EndpointStats stats = simulator.stats().endpoint("step-3.5-flash@us-east");
    assertThat(stats.requests()).isEqualTo(3);
    assertThat(stats.authorizationPresent()).isEqualTo(2);
    assertThat(stats.completed()).isEqualTo(1);
    String statsJson = client.get("/admin/stats").body();
    assertThat(statsJson).doesNotContain(KEY).doesNotContain("nope").doesNotContain("Bearer");
  }

  @Test
  void aFarCallerPaysTheRoundTripBeforeTheFirstByte() {
    String path = path("deepseek-v4-flash", "us-east");
    JsonObject body = chat("deepseek-v4-flash", "hi").put("max_tokens", 1);
    client.post(path, body, auth("us-east")); // warm up

    // TTFT 180 ms and one token at 60/s, at half time: 90 + 8.3 ms; Singapore adds 105 ms, Ireland 37.5.
    SimClient.Reply near = client.post(path, body, auth("us-east"));
    SimClient.Reply far = client.post(path, body, auth("ap-southeast"));
    SimClient.Reply middle = client.post(path, body, auth("eu-west"));

    assertThat(near.elapsedMs()).isGreaterThanOrEqualTo(98 - 1);
    assertThat(far.elapsedMs()).isGreaterThanOrEqualTo(98 + 105 - 1);
    assertThat(middle.elapsedMs()).isGreaterThanOrEqualTo(98 + 37 - 1);
    assertThat(far.elapsedMs()).isGreaterThan(near.elapsedMs());

    SimulatorStats.EndpointStats stats = simulator.stats().endpoint("deepseek-v4-flash@us-east");
    assertThat(stats.fromCallerRegion("us-east")).isEqualTo(2);
    assertThat(stats.fromCallerRegion("ap-southeast")).isEqualTo(1);
    assertThat(stats.fromCallerRegion("eu-west")).isEqualTo(1);
  }

  @Test
  void anAsianEndpointIsFasterForAnAsianCaller() {
    // glm-5: 500 ms from us-east, 420 ms published from Singapore; at half time 250 vs 210 (+ one token).
    JsonObject body = streamingChat("glm-5", "hi", 1);
    client.stream(path("glm-5", "ap-southeast"), body, auth("ap-southeast")).awaitEnd(); // warm up
    long local = client.stream(path("glm-5", "ap-southeast"), body, auth("ap-southeast")).awaitEnd().get(0).atMs();
    long remote = client.stream(path("glm-5", "us-east"), body, auth("ap-southeast")).awaitEnd().get(0).atMs();
    assertThat(local).isGreaterThanOrEqualTo(210 - 1);
    assertThat(remote).isGreaterThanOrEqualTo(250 + 105 - 1);
    assertThat(remote).isGreaterThan(local);
  }
}
