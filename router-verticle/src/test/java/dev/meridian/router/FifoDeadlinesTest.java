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
  void anEndedDeadlineQueuedBehindARunningOneLetsGoOfWhatItGuarded() throws Exception {
    deadlines.start(0, () -> expired.add("slow"));
    java.lang.ref.WeakReference<Object> guarded = startAndEndOneGuarding();
    for (int i = 0; i < 50 && guarded.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertThat(deadlines.queued()).as("still queued behind the slow one").isEqualTo(2);
    assertThat(guarded.get()).as("the ended deadline's action no longer reachable").isNull();
  }

  /** Only the deadline's action refers to the object once this returns. */
  private java.lang.ref.WeakReference<Object> startAndEndOneGuarding() {
    Object request = new byte[1 << 20];
    deadlines.start(1, () -> expired.add("expired " + request.hashCode())).end();
    return new java.lang.ref.WeakReference<>(request);
  }

  @Test
  void aTimeoutMustBePositive() {
    assertThatThrownBy(() -> new FifoDeadlines(0)).hasMessageContaining("timeoutMs must be > 0");
  }
}
