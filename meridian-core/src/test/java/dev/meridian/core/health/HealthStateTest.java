package dev.meridian.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HealthStateTest {
  private static final HealthKey KEY = new HealthKey("us-east", "glm-5", "eu-west");

  private static EndpointHealth at(HealthKey key, long observedAtMs) {
    return HealthSnapshotTest.observed(key, observedAtMs, 100);
  }

  @Test
  void startsEmpty() {
    assertThat(new HealthState().current().size()).isZero();
  }

  @Test
  void putStoresAndSwapsTheSnapshot() {
    HealthState state = new HealthState();
    HealthSnapshot before = state.current();
    EndpointHealth record = at(KEY, 1000);

    state.put(record);

    assertThat(state.current()).isNotSameAs(before);
    assertThat(state.current().get(KEY)).isSameAs(record);
    assertThat(before.get(KEY)).as("readers' old snapshot unchanged").isNull();
    assertThat(state.current().version()).isGreaterThan(before.version());
  }

  @Test
  void putKeepsNewerOverOlder() {
    HealthState state = new HealthState();
    EndpointHealth newer = at(KEY, 2000);
    EndpointHealth older = at(KEY, 1000);

    state.put(newer);
    long version = state.current().version();
    state.put(older);

    assertThat(state.current().get(KEY)).isSameAs(newer);
    assertThat(state.current().version()).as("an ignored put changes nothing").isEqualTo(version);

    EndpointHealth newest = at(KEY, 3000);
    state.put(newest);
    assertThat(state.current().get(KEY)).isSameAs(newest);
  }

  @Test
  void putAllAppliesEachRecord() {
    HealthState state = new HealthState();
    HealthKey other = new HealthKey("ap-southeast", "glm-5", "eu-west");
    state.putAll(List.of(at(KEY, 2000), at(other, 5), at(KEY, 1000)));
    assertThat(state.current().size()).isEqualTo(2);
    assertThat(state.current().get(KEY).lastObservedAtMs()).isEqualTo(2000);
  }

  @Test
  void removeDropsTheKey() {
    HealthState state = new HealthState();
    state.put(at(KEY, 1000));
    state.remove(KEY);
    assertThat(state.current().get(KEY)).isNull();
    state.remove(KEY); // absent: harmless
    assertThat(state.current().size()).isZero();
  }

  @Test
  @Timeout(10)
  void concurrentPutsAllLand() throws Exception {
    int threads = 8;
    int perThread = 200;
    HealthState state = new HealthState();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    // Distinct keys per thread, plus one key every thread races on.
                    state.put(at(new HealthKey("r" + thread, "m" + i, "e"), i + 1));
                    state.put(at(KEY, (long) i * threads + thread));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    HealthSnapshot snapshot = state.current();
    assertThat(snapshot.size()).isEqualTo(threads * perThread + 1);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertThat(snapshot.get(new HealthKey("r" + t, "m" + i, "e"))).isNotNull();
      }
    }
    assertThat(snapshot.get(KEY).lastObservedAtMs())
        .as("the newest observation wins the race")
        .isEqualTo((long) (perThread - 1) * threads + threads - 1);
  }
}
