package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureRateWindowTest {

  private static void record(FailureRateWindow window, String outcomes) {
    for (char c : outcomes.toCharArray()) {
      window.record(c == 'F');
    }
  }

  // ---------------------------------------------------------------- construction

  @ParameterizedTest(name = "size={0} minimumCalls={1}")
  @CsvSource({"0, 1", "-1, 1", "5, 0", "5, -1", "5, 6", "1, 2"})
  void rejectsImpossibleSizes(int size, int minimumCalls) {
    assertThatThrownBy(() -> new FailureRateWindow(size, minimumCalls))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minimumCalls");
  }

  @ParameterizedTest(name = "size={0} minimumCalls={1}")
  @CsvSource({"1, 1", "5, 5", "20, 1", "20, 10"})
  void acceptsSensibleSizes(int size, int minimumCalls) {
    assertThat(new FailureRateWindow(size, minimumCalls).failureRate()).isZero();
  }

  // ---------------------------------------------------------------- minimum calls

  @Test
  void noVerdictBelowTheMinimumNumberOfCalls() {
    FailureRateWindow window = new FailureRateWindow(10, 5);
    record(window, "FFFF");
    assertThat(window.failureRate()).as("4 failures of 4, below the minimum").isZero();
    window.record(true);
    assertThat(window.failureRate()).as("5 of 5").isEqualTo(1.0);
  }

  @Test
  void aSingleFailureIsNotAHundredPercent() {
    FailureRateWindow window = new FailureRateWindow(20, 10);
    window.record(true);
    assertThat(window.failureRate()).isZero();
  }

  @Test
  void aboveTheMinimumTheRateIsOverTheCallsSoFarNotTheWindowSize() {
    FailureRateWindow window = new FailureRateWindow(20, 4);
    record(window, "FSFS");
    assertThat(window.failureRate()).isEqualTo(0.5);
    record(window, "SS");
    assertThat(window.failureRate()).isEqualTo(2.0 / 6);
  }

  // ---------------------------------------------------------------- full window

  @Test
  void rateOverAFullWindow() {
    FailureRateWindow window = new FailureRateWindow(10, 5);
    record(window, "FFSSSFSSFF");
    assertThat(window.failureRate()).isEqualTo(0.5);
  }

  @Test
  void alternatingFailuresGiveHalfWithoutAnyStreak() {
    FailureRateWindow window = new FailureRateWindow(20, 10);
    for (int i = 0; i < 100; i++) {
      window.record(i % 2 == 0);
    }
    assertThat(window.failureRate()).isEqualTo(0.5);
  }

  @Test
  void everyOutcomeAFailure() {
    FailureRateWindow window = new FailureRateWindow(4, 4);
    record(window, "FFFFFFFFF");
    assertThat(window.failureRate()).isEqualTo(1.0);
  }

  // ---------------------------------------------------------------- rolling out

  @Test
  void oldOutcomesRollOut() {
    FailureRateWindow window = new FailureRateWindow(4, 2);
    record(window, "FFFF");
    assertThat(window.failureRate()).isEqualTo(1.0);
    window.record(false);
    assertThat(window.failureRate()).as("FFFS").isEqualTo(0.75);
    window.record(false);
    assertThat(window.failureRate()).as("FFSS").isEqualTo(0.5);
    record(window, "SS");
    assertThat(window.failureRate()).as("SSSS").isZero();
    window.record(true);
    assertThat(window.failureRate()).as("SSSF").isEqualTo(0.25);
  }

  @Test
  void aSuccessRollingOutRaisesTheRate() {
    FailureRateWindow window = new FailureRateWindow(3, 1);
    record(window, "SFF");
    assertThat(window.failureRate()).isEqualTo(2.0 / 3);
    window.record(true); // the S rolls out
    assertThat(window.failureRate()).isEqualTo(1.0);
  }

  @Test
  void longRunsMatchARecountOfTheLastOutcomes() {
    int size = 7;
    FailureRateWindow window = new FailureRateWindow(size, 3);
    java.util.Random random = new java.util.Random(42);
    java.util.ArrayDeque<Boolean> last = new java.util.ArrayDeque<>();
    for (int i = 0; i < 500; i++) {
      boolean failure = random.nextInt(3) == 0;
      window.record(failure);
      last.addLast(failure);
      if (last.size() > size) {
        last.removeFirst();
      }
      double expected =
          last.size() < 3 ? 0 : (double) last.stream().filter(f -> f).count() / last.size();
      assertThat(window.failureRate()).as("after %d outcomes", i + 1).isEqualTo(expected);
    }
  }

  // ---------------------------------------------------------------- reset

  @Test
  void resetForgetsEverythingIncludingTheCallCount() {
    FailureRateWindow window = new FailureRateWindow(5, 3);
    record(window, "FFFFF");
    assertThat(window.failureRate()).isEqualTo(1.0);

    window.reset();

    assertThat(window.failureRate()).isZero();
    record(window, "FF");
    assertThat(window.failureRate()).as("below the minimum again").isZero();
    window.record(false);
    assertThat(window.failureRate()).isEqualTo(2.0 / 3);
    record(window, "SS");
    assertThat(window.failureRate()).as("FFSSS: nothing from before the reset").isEqualTo(0.4);
    record(window, "SS");
    assertThat(window.failureRate()).as("SSSSS").isZero();
  }
}
