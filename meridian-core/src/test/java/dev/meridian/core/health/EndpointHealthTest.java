package dev.meridian.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointHealthTest {
  private static final HealthKey KEY = new HealthKey("us-east", "glm-5", "eu-west");
  private static final HealthPolicy POLICY = new HealthPolicy(3, 4, 0.5, 10_000);

  private static ProbeResult ok(long at, double ttft) {
    return ProbeResult.success(KEY, at, ttft, 40);
  }

  private static ProbeResult fail(long at) {
    return ProbeResult.failure(KEY, at, ProbeOutcome.HTTP_ERROR, 500, "HTTP 500");
  }

  /** Applies successes with these TTFTs at t = 1000, 2000, ... */
  private static EndpointHealth afterSuccesses(HealthPolicy policy, double... ttfts) {
    EndpointHealth health = EndpointHealth.unobserved(KEY);
    for (int i = 0; i < ttfts.length; i++) {
      health = health.record(ok(1000L * (i + 1), ttfts[i]), policy);
    }
    return health;
  }

  @Test
  void unobservedIsNeitherProvenNorFailed() {
    EndpointHealth health = EndpointHealth.unobserved(KEY);
    assertThat(health.key()).isEqualTo(KEY);
    assertThat(health.isObserved()).isFalse();
    assertThat(health.healthy()).isTrue();
    assertThat(health.probes()).isZero();
    assertThat(health.failures()).isZero();
    assertThat(health.successes()).isZero();
    assertThat(health.consecutiveFailures()).isZero();
    assertThat(health.ewmaTtftMs()).isNaN();
    assertThat(health.ewmaTokensPerSecond()).isNaN();
    assertThat(health.ttftP50Ms()).isNaN();
    assertThat(health.ttftP99Ms()).isNaN();
    assertThat(health.sampleCount()).isZero();
    assertThat(health.lastOutcome()).isNull();
    assertThat(health.lastError()).isNull();
    assertThat(health.isFresh(0, POLICY)).as("never observed is never fresh").isFalse();
    assertThat(health.isFresh(Long.MAX_VALUE, POLICY)).isFalse();
  }

  @Test
  void firstSuccessSetsTheEwmaToTheSampleThenAlphaMovesIt() {
    EndpointHealth health = EndpointHealth.unobserved(KEY).record(ProbeResult.success(KEY, 1000, 400, 20), POLICY);
    assertThat(health.ewmaTtftMs()).isEqualTo(400.0);
    assertThat(health.ewmaTokensPerSecond()).isEqualTo(20.0);
    assertThat(health.isObserved()).isTrue();
    assertThat(health.healthy()).isTrue();
    assertThat(health.lastOutcome()).isEqualTo(ProbeOutcome.OK);

    // alpha 0.5: halfway towards each new sample.
    health = health.record(ProbeResult.success(KEY, 2000, 200, 40), POLICY);
    assertThat(health.ewmaTtftMs()).isCloseTo(300.0, within(1e-9));
    assertThat(health.ewmaTokensPerSecond()).isCloseTo(30.0, within(1e-9));
    health = health.record(ProbeResult.success(KEY, 3000, 300, 30), POLICY);
    assertThat(health.ewmaTtftMs()).isCloseTo(300.0, within(1e-9));
    health = health.record(ProbeResult.success(KEY, 4000, 700, 30), POLICY);
    assertThat(health.ewmaTtftMs()).isCloseTo(500.0, within(1e-9));
  }

  @ParameterizedTest(name = "alpha={0}")
  @ValueSource(doubles = {0.1, 0.3, 1.0})
  void ewmaFollowsTheAlphaOfThePolicy(double alpha) {
    HealthPolicy policy = POLICY.withEwmaAlpha(alpha);
    EndpointHealth health = afterSuccesses(policy, 100, 500);
    assertThat(health.ewmaTtftMs()).isCloseTo(100 + alpha * 400, within(1e-9));
  }

  @Test
  void failuresDoNotMoveTheEwmaOrTheWindow() {
    EndpointHealth health = afterSuccesses(POLICY, 100, 200);
    double ewma = health.ewmaTtftMs();
    health = health.record(fail(5000), POLICY);
    assertThat(health.ewmaTtftMs()).isEqualTo(ewma);
    assertThat(health.sampleCount()).isEqualTo(2);
    assertThat(health.lastOutcome()).isEqualTo(ProbeOutcome.HTTP_ERROR);
    assertThat(health.lastError()).isEqualTo("HTTP 500");
    assertThat(health.lastObservedAtMs()).isEqualTo(5000);
  }

  @Test
  void windowIsBoundedAndKeepsTheNewest() {
    // Window 4: after 6 samples only the last four (30, 40, 50, 60) remain.
    EndpointHealth health = afterSuccesses(POLICY, 1000, 2000, 30, 40, 50, 60);
    assertThat(health.sampleCount()).isEqualTo(4);
    assertThat(health.ttftPercentileMs(0.0)).as("min of window").isEqualTo(30.0);
    assertThat(health.ttftPercentileMs(1.0)).as("max of window").isEqualTo(60.0);
    assertThat(health.ttftP99Ms()).isEqualTo(60.0);
    assertThat(health.successes()).isEqualTo(6);
    assertThat(health.probes()).isEqualTo(6);
  }

  @Test
  void windowOfOneKeepsOnlyTheLastSample() {
    HealthPolicy policy = new HealthPolicy(3, 1, 0.5, 10_000);
    EndpointHealth health = afterSuccesses(policy, 10, 20, 30);
    assertThat(health.sampleCount()).isEqualTo(1);
    assertThat(health.ttftP50Ms()).isEqualTo(30.0);
  }

  static Stream<Arguments> percentiles() {
    // Nearest rank: the ceil(q * n)-th smallest sample.
    double[] oneToTen = IntStream.rangeClosed(1, 10).mapToDouble(i -> i * 10).toArray();
    double[] hundred = IntStream.rangeClosed(1, 100).mapToDouble(i -> i).toArray();
    return Stream.of(
        Arguments.of(new double[] {42}, 0.50, 42.0),
        Arguments.of(new double[] {42}, 0.99, 42.0),
        Arguments.of(new double[] {300, 100, 200}, 0.50, 200.0),
        Arguments.of(new double[] {300, 100, 200}, 0.99, 300.0),
        Arguments.of(new double[] {400, 100, 300, 200}, 0.50, 200.0),
        Arguments.of(new double[] {400, 100, 300, 200}, 0.75, 300.0),
        Arguments.of(new double[] {400, 100, 300, 200}, 0.76, 400.0),
        Arguments.of(oneToTen, 0.50, 50.0),
        Arguments.of(oneToTen, 0.90, 90.0),
        Arguments.of(oneToTen, 0.91, 100.0),
        Arguments.of(oneToTen, 0.99, 100.0),
        Arguments.of(oneToTen, 0.10, 10.0),
        Arguments.of(hundred, 0.50, 50.0),
        Arguments.of(hundred, 0.99, 99.0),
        Arguments.of(hundred, 0.07, 7.0),
        Arguments.of(hundred, 0.29, 29.0),
        Arguments.of(hundred, 0.57, 57.0));
  }

  @ParameterizedTest(name = "{1} of {0} = {2}")
  @MethodSource("percentiles")
  void percentilesAreNearestRank(double[] samples, double quantile, double expected) {
    HealthPolicy policy = new HealthPolicy(3, Math.max(samples.length, 1), 0.5, 10_000);
    EndpointHealth health = afterSuccesses(policy, samples);
    assertThat(health.ttftPercentileMs(quantile)).isEqualTo(expected);
  }

  @Test
  void p50AndP99AreTheNamedPercentiles() {
    HealthPolicy policy = new HealthPolicy(3, 100, 0.5, 10_000);
    EndpointHealth health =
        afterSuccesses(policy, IntStream.rangeClosed(1, 100).mapToDouble(i -> 101 - i).toArray());
    assertThat(health.ttftP50Ms()).isEqualTo(50.0);
    assertThat(health.ttftP99Ms()).isEqualTo(99.0);
  }

  @ParameterizedTest(name = "K={0}")
  @ValueSource(ints = {1, 2, 3, 5})
  void kConsecutiveFailuresFlipAnEndpointThatHasWorked(int k) {
    HealthPolicy policy = POLICY.withFailureThreshold(k);
    EndpointHealth health = afterSuccesses(policy, 100);
    long t = 10_000;
    for (int i = 1; i < k; i++) {
      health = health.record(fail(t++), policy);
      assertThat(health.healthy()).as("after %d of %d failures", i, k).isTrue();
      assertThat(health.consecutiveFailures()).isEqualTo(i);
    }
    health = health.record(fail(t++), policy);
    assertThat(health.healthy()).as("after %d failures", k).isFalse();
    assertThat(health.consecutiveFailures()).isEqualTo(k);

    // More failures keep it down.
    health = health.record(fail(t++), policy);
    assertThat(health.healthy()).isFalse();
    assertThat(health.consecutiveFailures()).isEqualTo(k + 1);
    assertThat(health.failures()).isEqualTo(k + 1);
    assertThat(health.successes()).isEqualTo(1);
    assertThat(health.probes()).isEqualTo(k + 2);
  }

  @Test
  void aSuccessInTheMiddleResetsTheStreak() {
    EndpointHealth health = afterSuccesses(POLICY, 100);
    health = health.record(fail(10_000), POLICY).record(fail(10_001), POLICY);
    health = health.record(ok(10_002, 100), POLICY);
    assertThat(health.consecutiveFailures()).isZero();
    health = health.record(fail(10_003), POLICY).record(fail(10_004), POLICY);
    assertThat(health.healthy()).as("2 failures after the reset, K=3").isTrue();
    health = health.record(fail(10_005), POLICY);
    assertThat(health.healthy()).isFalse();
  }

  @Test
  void neverSuccessfulEndpointIsUnhealthyAfterItsFirstFailure() {
    EndpointHealth health = EndpointHealth.unobserved(KEY).record(fail(1000), POLICY);
    assertThat(health.healthy()).isFalse();
    assertThat(health.isObserved()).isTrue();
    assertThat(health.consecutiveFailures()).isEqualTo(1);
    assertThat(health.ewmaTtftMs()).isNaN();
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(
      value = ProbeOutcome.class,
      names = {"OK"},
      mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
  void everyNonOkOutcomeCountsAsAFailure(ProbeOutcome outcome) {
    EndpointHealth health =
        EndpointHealth.unobserved(KEY).record(ProbeResult.failure(KEY, 1000, outcome, 0, "x"), POLICY);
    assertThat(health.healthy()).isFalse();
    assertThat(health.failures()).isEqualTo(1);
    assertThat(health.lastOutcome()).isEqualTo(outcome);
    assertThat(outcome.isSuccess()).isFalse();
  }

  @Test
  void oneSuccessRestoresHealthAndResetsTheStreak() {
    EndpointHealth health = afterSuccesses(POLICY, 100);
    for (int i = 0; i < 5; i++) {
      health = health.record(fail(10_000 + i), POLICY);
    }
    assertThat(health.healthy()).isFalse();

    health = health.record(ok(20_000, 150), POLICY);
    assertThat(health.healthy()).isTrue();
    assertThat(health.consecutiveFailures()).isZero();
    assertThat(health.lastError()).isNull();
    assertThat(health.lastOutcome()).isEqualTo(ProbeOutcome.OK);

    // And the streak really restarted: K-1 failures leave it healthy.
    health = health.record(fail(20_001), POLICY).record(fail(20_002), POLICY);
    assertThat(health.healthy()).isTrue();
  }

  @Test
  void neverSuccessfulEndpointRecoversOnItsFirstSuccess() {
    EndpointHealth health = EndpointHealth.unobserved(KEY).record(fail(1000), POLICY).record(fail(2000), POLICY);
    health = health.record(ok(3000, 250), POLICY);
    assertThat(health.healthy()).isTrue();
    assertThat(health.ewmaTtftMs()).isEqualTo(250.0);
  }

  @Test
  void olderResultsAreIgnored() {
    EndpointHealth health = afterSuccesses(POLICY, 100, 200); // last at t=2000
    EndpointHealth same = health.record(fail(1500), POLICY);
    assertThat(same).isSameAs(health);
    assertThat(health.record(ok(1999, 5000), POLICY)).isSameAs(health);

    EndpointHealth equalTime = health.record(ok(2000, 200), POLICY);
    assertThat(equalTime.probes()).as("same timestamp is not older").isEqualTo(3);
  }

  @Test
  void aResultForAnotherKeyIsRejected() {
    HealthKey other = new HealthKey("eu-west", "glm-5", "eu-west");
    assertThatThrownBy(() -> EndpointHealth.unobserved(KEY).record(ProbeResult.success(other, 1, 1, 1), POLICY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void successWithoutATtftKeepsTheAverages() {
    EndpointHealth health = afterSuccesses(POLICY, 100);
    health = health.record(ProbeResult.success(KEY, 5000, Double.NaN, Double.NaN), POLICY);
    assertThat(health.ewmaTtftMs()).isEqualTo(100.0);
    assertThat(health.ewmaTokensPerSecond()).isEqualTo(40.0);
    assertThat(health.sampleCount()).isEqualTo(1);
    assertThat(health.healthy()).isTrue();
  }

  @Test
  void jsonRoundTripPreservesEverything() {
    EndpointHealth health = afterSuccesses(POLICY, 120.5, 80, 300, 90.25, 400);
    health = health.record(ProbeResult.failure(KEY, 9000, ProbeOutcome.TIMEOUT, 0, "no first token in 5000 ms"), POLICY);

    // Through the wire form, as the cluster map carries it.
    EndpointHealth copy = EndpointHealth.fromJson(new JsonObject(health.toJson().encode()));

    assertSameState(copy, health);
    assertThat(copy.toJson()).isEqualTo(health.toJson());
  }

  @Test
  void jsonRoundTripOfAnUnhealthyNeverSuccessfulRecordKeepsNaNs() {
    EndpointHealth health = EndpointHealth.unobserved(KEY).record(fail(1000), POLICY);
    EndpointHealth copy = EndpointHealth.fromJson(new JsonObject(health.toJson().encode()));
    assertSameState(copy, health);
    assertThat(copy.ewmaTtftMs()).isNaN();
    assertThat(copy.healthy()).isFalse();
  }

  @Test
  void jsonRoundTripOfUnobserved() {
    EndpointHealth health = EndpointHealth.unobserved(KEY);
    EndpointHealth copy = EndpointHealth.fromJson(new JsonObject(health.toJson().encode()));
    assertSameState(copy, health);
  }

  @Test
  void aRestoredRecordKeepsCountingWhereItLeftOff() {
    EndpointHealth health = afterSuccesses(POLICY, 100).record(fail(5000), POLICY).record(fail(6000), POLICY);
    EndpointHealth copy = EndpointHealth.fromJson(health.toJson());
    EndpointHealth next = copy.record(fail(7000), POLICY);
    assertThat(next.healthy()).as("third consecutive failure, K=3").isFalse();
    assertThat(copy.record(fail(4000), POLICY)).as("older than restored").isSameAs(copy);
  }

  private static void assertSameState(EndpointHealth actual, EndpointHealth expected) {
    assertThat(actual.key()).isEqualTo(expected.key());
    assertThat(actual.healthy()).isEqualTo(expected.healthy());
    assertThat(actual.consecutiveFailures()).isEqualTo(expected.consecutiveFailures());
    assertThat(actual.probes()).isEqualTo(expected.probes());
    assertThat(actual.failures()).isEqualTo(expected.failures());
    assertThat(actual.successes()).isEqualTo(expected.successes());
    assertSameDouble("ewmaTtftMs", actual.ewmaTtftMs(), expected.ewmaTtftMs());
    assertSameDouble("ewmaTokensPerSecond", actual.ewmaTokensPerSecond(), expected.ewmaTokensPerSecond());
    assertThat(actual.sampleCount()).isEqualTo(expected.sampleCount());
    for (double q : new double[] {0.0, 0.25, 0.5, 0.75, 0.99, 1.0}) {
      assertSameDouble("q=" + q, actual.ttftPercentileMs(q), expected.ttftPercentileMs(q));
    }
    assertThat(actual.lastObservedAtMs()).isEqualTo(expected.lastObservedAtMs());
    assertThat(actual.lastOutcome()).isEqualTo(expected.lastOutcome());
    assertThat(actual.lastError()).isEqualTo(expected.lastError());
    assertThat(actual.isObserved()).isEqualTo(expected.isObserved());
  }

  /** Equal values, NaN equal to NaN. */
  private static void assertSameDouble(String what, double actual, double expected) {
    assertThat(Double.valueOf(actual)).as(what).isEqualTo(Double.valueOf(expected));
  }

  @Test
  void freshUntilStaleAfterMsHasPassed() {
    EndpointHealth health = EndpointHealth.unobserved(KEY).record(ok(100_000, 100), POLICY);
    assertThat(health.isFresh(100_000, POLICY)).isTrue();
    assertThat(health.isFresh(100_000 + 10_000, POLICY)).as("exactly staleAfterMs old").isTrue();
    assertThat(health.isFresh(100_000 + 10_001, POLICY)).isFalse();
    assertThat(health.isFresh(100_000 + 10_001, POLICY.withStaleAfterMs(20_000))).isTrue();
    assertThat(health.isFresh(99_000, POLICY)).as("clock a little behind the observer").isTrue();
  }

  @Test
  void unhealthyRecordsGoStaleToo() {
    EndpointHealth health = EndpointHealth.unobserved(KEY).record(fail(1000), POLICY);
    assertThat(health.isFresh(1000 + 10_000, POLICY)).isTrue();
    assertThat(health.isFresh(1000 + 10_001, POLICY)).isFalse();
  }

  @Test
  void toStringSaysWhichEndpointAndVerdict() {
    EndpointHealth health = EndpointHealth.unobserved(KEY).record(fail(1000), POLICY);
    assertThat(health.toString()).contains("us-east|glm-5|eu-west").contains("unhealthy");
  }
}
