package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Times are injected; a "second" is 1000 ms of the injected clock. */
class RetryBudgetTest {
  /** Not on a second boundary, so bucket arithmetic cannot lean on round numbers. */
  private static final long NOW = 1_800_000_000_123L;
  private static final int WINDOW = 10;

  private static void requests(RetryBudget budget, int n, long nowMs) {
    for (int i = 0; i < n; i++) {
      budget.onRequest(nowMs);
    }
  }

  /** Takes retries until the budget says no; returns how many it granted. */
  private static int drain(RetryBudget budget, long nowMs) {
    int granted = 0;
    while (budget.tryRetry(nowMs)) {
      granted++;
      assertThat(granted).as("runaway budget").isLessThan(100_000);
    }
    return granted;
  }

  // ---------------------------------------------------------------- the ratio

  @Test
  void twentyPercentOfAHundredRequestsIsTwentyRetries() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 0);
    requests(budget, 100, NOW);

    for (int i = 1; i <= 20; i++) {
      assertThat(budget.tryRetry(NOW)).as("retry %d", i).isTrue();
    }
    assertThat(budget.tryRetry(NOW)).as("retry 21").isFalse();
    assertThat(budget.tryRetry(NOW)).as("still denied").isFalse();
  }

  @Test
  void requestsSpreadOverTheWindowAllCount() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 0);
    for (int second = 0; second < WINDOW; second++) {
      requests(budget, 10, NOW + second * 1_000L);
    }
    long last = NOW + (WINDOW - 1) * 1_000L;
    assertThat(drain(budget, last)).isEqualTo(20);
  }

  @Test
  void retriesSpreadOverTheWindowAllCount() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 0);
    requests(budget, 100, NOW);
    for (int i = 0; i < 20; i++) {
      assertThat(budget.tryRetry(NOW + (i % WINDOW) * 1_000L)).isTrue();
    }
    assertThat(budget.tryRetry(NOW + (WINDOW - 1) * 1_000L)).isFalse();
  }

  @Test
  void aDeniedRetryTakesNothingAndNewTrafficReopensTheBudget() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 0);
    requests(budget, 10, NOW);
    assertThat(drain(budget, NOW)).isEqualTo(2);
    assertThat(budget.tryRetry(NOW)).isFalse();

    requests(budget, 5, NOW + 1_000);

    assertThat(drain(budget, NOW + 1_000)).as("0.2 * 15 = 3, 2 taken").isEqualTo(1);
  }

  @Test
  void noTrafficAndNoFloorMeansNoRetries() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 0);
    assertThat(budget.tryRetry(NOW)).isFalse();
    requests(budget, 4, NOW);
    assertThat(budget.tryRetry(NOW)).as("0 < 0.8").isTrue();
    assertThat(budget.tryRetry(NOW)).as("1 >= 0.8").isFalse();
  }

  @Test
  void ratioZeroWithoutFloorDeniesEverything() {
    RetryBudget budget = new RetryBudget(0, WINDOW, 0);
    requests(budget, 1_000, NOW);
    assertThat(budget.tryRetry(NOW)).isFalse();
  }

  // ---------------------------------------------------------------- the floor

  @Test
  void theFloorAllowsRetriesWithNoTraffic() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 3);
    assertThat(drain(budget, NOW)).isEqualTo(3);
  }

  @Test
  void theFloorAddsToTheRatio() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 2);
    requests(budget, 10, NOW);
    assertThat(drain(budget, NOW)).as("0.2 * 10 + 2").isEqualTo(4);
  }

  @Test
  void defaultsAllowTwentyRetriesWithNoTraffic() {
    RetryBudget budget = RetryBudget.defaults();
    assertThat(drain(budget, NOW)).isEqualTo(RetryBudget.DEFAULT_MIN_RETRIES_PER_WINDOW).isEqualTo(20);
    assertThat(RetryBudget.DEFAULT_RATIO).isEqualTo(0.2);
    assertThat(RetryBudget.DEFAULT_WINDOW_SECONDS).isEqualTo(10);
  }

  @Test
  void theFloorRefillsAfterTheWindow() {
    RetryBudget budget = new RetryBudget(0, WINDOW, 1);
    assertThat(budget.tryRetry(NOW)).isTrue();
    assertThat(budget.tryRetry(NOW)).isFalse();
    assertThat(budget.tryRetry(NOW + (WINDOW - 1) * 1_000L)).as("still in the window").isFalse();
    assertThat(budget.tryRetry(NOW + WINDOW * 1_000L)).as("the retry rolled out").isTrue();
    assertThat(budget.tryRetry(NOW + WINDOW * 1_000L)).isFalse();
  }

  // ---------------------------------------------------------------- the window

  @Test
  void bucketsOlderThanTheWindowStopCounting() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 0);
    requests(budget, 100, NOW);
    assertThat(drain(budget, NOW)).isEqualTo(20);

    long lastSecondOfWindow = NOW + (WINDOW - 1) * 1_000L;
    assertThat(budget.tryRetry(lastSecondOfWindow)).as("old retries still count").isFalse();

    long later = NOW + WINDOW * 1_000L;
    assertThat(budget.tryRetry(later)).as("old requests no longer count either").isFalse();
    requests(budget, 5, later);
    assertThat(drain(budget, later)).as("only the 5 new requests count").isEqualTo(1);
  }

  @Test
  void requestsStopCountingAfterTheWindowEvenIfNoBucketIsReused() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 0);
    requests(budget, 100, NOW);
    // Far later: every bucket is stale, none was overwritten in between.
    assertThat(budget.tryRetry(NOW + 3_600_000L)).isFalse();
  }

  @Test
  void theWindowSlides() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, 0);
    requests(budget, 50, NOW);
    requests(budget, 50, NOW + 5_000);

    long t = NOW + WINDOW * 1_000L; // the first 50 have rolled out, the second 50 remain
    assertThat(drain(budget, t)).isEqualTo(10);
  }

  @Test
  void requestsWithinOneSecondShareABucket() {
    long secondStart = (NOW / 1_000) * 1_000;
    RetryBudget budget = new RetryBudget(0.2, 1, 0);
    requests(budget, 5, secondStart);
    requests(budget, 5, secondStart + 999);
    assertThat(drain(budget, secondStart + 500)).isEqualTo(2);
    assertThat(budget.tryRetry(secondStart + 1_000)).as("a one-second window has moved on").isFalse();
  }

  // ---------------------------------------------------------------- construction

  @Test
  void aNegativeRatioIsRejected() {
    assertThatThrownBy(() -> new RetryBudget(-0.1, WINDOW, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratio");
  }

  @Test
  void aNanRatioIsRejected() {
    // NaN would compare false against every retry count: an unlimited budget.
    assertThatThrownBy(() -> new RetryBudget(Double.NaN, WINDOW, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratio");
  }

  @ParameterizedTest(name = "windowSeconds={0}")
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void aWindowOfLessThanASecondIsRejected(int windowSeconds) {
    assertThatThrownBy(() -> new RetryBudget(0.2, windowSeconds, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("windowSeconds");
  }

  @Test
  void aNegativeFloorCountsAsZero() {
    RetryBudget budget = new RetryBudget(0.2, WINDOW, -5);
    assertThat(budget.tryRetry(NOW)).isFalse();
    requests(budget, 10, NOW);
    assertThat(drain(budget, NOW)).isEqualTo(2);
  }

  @Test
  void theSmallestValidSettingsWork() {
    RetryBudget budget = new RetryBudget(0, 1, 0);
    assertThat(budget.tryRetry(NOW)).isFalse();
  }
}
