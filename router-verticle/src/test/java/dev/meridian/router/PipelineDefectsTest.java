package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.failover.BreakerEffect;
import dev.meridian.core.failover.BreakerStateMachine;
import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.KeyHash;
import dev.meridian.core.tenancy.UsageLimiter;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defects the one pipeline removed (issue 21); each of these failed on the code before it. */
class PipelineDefectsTest extends RouterTestBase {
  static final String LIMITED = "sk-mer-test-limited-key-000000002";
  private final RequestGate gate = new RequestGate();

  private final AccessControl control = AccessControl.withKeys(ClientKeys.parse(
      "{\"keys\":[{\"name\":\"limited\",\"sha256\":\"" + KeyHash.sha256Hex(LIMITED) + "\",\"requestsPerMinute\":2}]}", "test"));

  @Override
  AccessControl access() {
    return control;
  }

  @Override
  ResilienceOptions resilienceOptions() {
    return new ResilienceOptions().setBreakerCoolDownMs(300);
  }

  @Override
  RequestGate gate() {
    return gate;
  }

  private long requestsCounted(AccessControl control) {
    for (UsageLimiter.KeyStatus status : control.limiter().status(System.currentTimeMillis())) {
      if (status.name().equals("limited")) {
        return status.requestsThisMinute();
      }
    }
    throw new AssertionError("no status for the key");
  }

  @Test
  void aRequestRefusedWhileDrainingUsesNoneOfTheClientsQuota() throws Exception {
    observe("deepseek-v4-flash", "us-east", 50);
    gate.close();
    Reply refused = send(HttpMethod.POST, "/v1/chat/completions", chat("deepseek-v4-flash", false).toBuffer(),
        Map.of("authorization", "Bearer " + LIMITED));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("shutting_down");
    assertThat(requestsCounted(control)).isZero();
  }

  @Test
  void neutralOutcomesBetweenFailuresNeitherResetTheCountNorCloseAHalfOpenBreaker() throws Exception {
    Endpoint endpoint = catalog.endpoint("qwen3-32b", "us-east");
    EndpointBreaker breaker = router.resilience().breaker(endpoint);
    int maxFailures = new ResilienceOptions().getBreakerMaxFailures();
    for (int i = 0; i < maxFailures; i++) {
      // A 429, a lost hedge, a client gone: no evidence. Vert.x's breaker took each for a success.
      breaker.admit().settle(BreakerEffect.NEUTRAL);
      breaker.admit().settle(BreakerEffect.FAILURE);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    awaitCondition(java.time.Duration.ofSeconds(20), () -> breaker.state() == CircuitBreakerState.HALF_OPEN);
    BreakerStateMachine.Ticket trial = breaker.admit();
    assertThat(trial).isNotNull();
    trial.settle(BreakerEffect.NEUTRAL);
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.HALF_OPEN);
    assertThat(breaker.admit()).as("the next request is the trial").isNotNull();
  }
}
