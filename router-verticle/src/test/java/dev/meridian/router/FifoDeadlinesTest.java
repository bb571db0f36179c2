package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FifoDeadlinesTest {
  private final List<String> expired = new ArrayList<>();
  private final FifoDeadlines deadlines = new FifoDeadlines(1_000);

  @Test
  void expiresWhatHasNotEndedOnceItsTimeIsUp() {
    deadlines.start(0, () -> expired.add("a"));
    deadlines.start(500, () -> expired.add("b"));

    assertThat(deadlines.sweep(999)).isZero();
    assertThat(deadlines.sweep(1_000)).isEqualTo(1);
    assertThat(expired).containsExactly("a");
    assertThat(deadlines.sweep(1_500)).isEqualTo(1);
    assertThat(expired).containsExactly("a", "b");
    assertThat(deadlines.queued()).isZero();
  }

  @Test
  void anEndedDeadlineNeverExpiresAndIsForgotten() {
    FifoDeadlines.Deadline first = deadlines.start(0, () -> expired.add("a"));
    deadlines.start(10, () -> expired.add("b"));
    first.end();

    assertThat(deadlines.sweep(5)).isZero();
    assertThat(deadlines.queued()).isEqualTo(1);
    assertThat(deadlines.sweep(5_000)).isEqualTo(1);
    assertThat(expired).containsExactly("b");
  }

  @Test
  void endedEntriesBehindARunningOneWaitForIt() {
    deadlines.start(0, () -> expired.add("slow"));
    for (int i = 1; i <= 100; i++) {
      deadlines.start(i, () -> expired.add("fast")).end();
    }

    assertThat(deadlines.sweep(500)).isZero();
    assertThat(deadlines.queued()).isEqualTo(101);
    assertThat(deadlines.sweep(1_000)).isEqualTo(1);
    assertThat(expired).containsExactly("slow");
    assertThat(deadlines.queued()).isZero();
  }

  @Test
  void eachExpiresOnceEvenWhenEndedAfterwards() {
    FifoDeadlines.Deadline deadline = deadlines.start(0, () -> expired.add("a"));
    deadlines.sweep(2_000);
    deadline.end();
    deadlines.sweep(4_000);
    assertThat(expired).containsExactly("a");
  }

  @Test
  void aTimeoutMustBePositive() {
    assertThatThrownBy(() -> new FifoDeadlines(0)).hasMessageContaining("timeoutMs must be > 0");
  }
}
