package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeLimiterTest {
  private final ProbeLimiter limiter = new ProbeLimiter(2);
  private final Map<String, Promise<String>> running = new HashMap<>();
  private final List<String> started = new ArrayList<>();

  private Future<String> submit(String key) {
    return limiter.submit(key, () -> {
      started.add(key);
      Promise<String> promise = Promise.promise();
      running.put(key, promise);
      return promise.future();
    });
  }

  @Test
  void atMostMaxInFlightTheRestQueueInOrder() {
    Future<String> a = submit("a");
    submit("b");
    submit("c");
    submit("d");

    assertThat(started).containsExactly("a", "b");
    assertThat(limiter.inFlight()).isEqualTo(2);
    assertThat(limiter.queued()).isEqualTo(2);

    running.get("a").complete("A");
    assertThat(a.result()).isEqualTo("A");
    assertThat(started).containsExactly("a", "b", "c");
    assertThat(limiter.inFlight()).isEqualTo(2);

    running.get("b").fail("boom");
    running.get("c").complete("C");
    assertThat(started).containsExactly("a", "b", "c", "d");
    running.get("d").complete("D");
    assertThat(limiter.inFlight()).isZero();
    assertThat(limiter.queued()).isZero();
  }

  @Test
  void aKeyQueuedOrInFlightIsRefusedUntilItFinishes() {
    submit("a");
    submit("b");
    submit("c");

    Future<String> again = submit("a");
    Future<String> queuedAgain = submit("c");

    assertThat(again.failed()).isTrue();
    assertThat(again.cause()).isInstanceOf(ProbeLimiter.AlreadyPendingException.class);
    assertThat(queuedAgain.failed()).isTrue();
    assertThat(started).containsExactly("a", "b");

    running.get("a").complete("A");
    assertThat(limiter.isPending("a")).isFalse();
    assertThat(submit("a").isComplete()).isFalse();
    assertThat(limiter.queued()).isEqualTo(1);
  }

  @Test
  void aThrowingTaskFailsItsFutureAndFreesItsPlace() {
    Future<String> broken = limiter.submit("x", () -> {
      throw new IllegalStateException("bug");
    });

    assertThat(broken.failed()).isTrue();
    assertThat(limiter.inFlight()).isZero();
    assertThat(limiter.isPending("x")).isFalse();
  }

  private Future<String> submitIn(String group, String key) {
    return limiter.submit(group, key, () -> {
      started.add(key);
      Promise<String> promise = Promise.promise();
      running.put(key, promise);
      return promise.future();
    });
  }

  @Test
  void aGroupWhoseProbesHangDoesNotStarveAnotherGroup() {
    // The cut-off region's probes fill its places and queue behind them, as in a partition.
    submitIn("ap-southeast", "far-1");
    submitIn("ap-southeast", "far-2");
    submitIn("ap-southeast", "far-3");
    submitIn("us-east", "near-1");
    submitIn("us-east", "near-2");

    assertThat(started).containsExactly("far-1", "far-2", "near-1", "near-2");
    assertThat(limiter.inFlight()).isEqualTo(4);
    assertThat(limiter.queued()).isEqualTo(1);
    running.get("near-1").complete("ok");
    assertThat(started).as("a freed place serves its own group's queue only").hasSize(4);
    running.get("far-1").complete("timeout");
    assertThat(started).last().isEqualTo("far-3");
  }
}
