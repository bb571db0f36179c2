package dev.meridian.core.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.OpenAiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {
  private static ClientKey key(String name, int maxConcurrent) {
    return new ClientKey(name, KeyHash.sha256Hex("sk-mer-test-key-" + name + "-0123456789"), Set.of("*"), 0, 0, 0,
        BudgetPeriod.DAY, 0, maxConcurrent);
  }

  @Test
  void admitsUpToTheLimitAndAgainAfterARelease() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter();
    ClientKey two = key("two", 2);
    assertThat(limiter.tryAcquire(two)).isTrue();
    assertThat(limiter.tryAcquire(two)).isTrue();
    assertThat(limiter.tryAcquire(two)).as("third while two run").isFalse();
    assertThat(limiter.inFlight("two")).as("a refusal is not counted").isEqualTo(2);
    limiter.release(two);
    assertThat(limiter.inFlight("two")).isEqualTo(1);
    assertThat(limiter.tryAcquire(two)).isTrue();
    limiter.release(two);
    limiter.release(two);
    assertThat(limiter.inFlight("two")).isZero();
  }

  @Test
  void keysAreCountedApartAndZeroMeansNoLimitButStillCounted() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter();
    ClientKey one = key("one", 1);
    ClientKey unlimited = key("unlimited", 0);
    assertThat(limiter.tryAcquire(one)).isTrue();
    assertThat(limiter.tryAcquire(one)).isFalse();
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.tryAcquire(unlimited)).isTrue();
    }
    assertThat(limiter.inFlight("unlimited")).isEqualTo(1_000);
    assertThat(limiter.inFlight("one")).isEqualTo(1);
    assertThat(limiter.inFlight("never-seen")).isZero();
  }

  @Test
  void aReloadedLimitAppliesToTheCountsAlreadyRunning() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter();
    ClientKey before = key("team", 3);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire(before)).isTrue();
    }
    // The keys file now says 1: nothing new until the running ones are down below it.
    ClientKey after = key("team", 1);
    assertThat(limiter.tryAcquire(after)).isFalse();
    limiter.release(before);
    limiter.release(after);
    assertThat(limiter.tryAcquire(after)).isFalse();
    limiter.release(before);
    assertThat(limiter.inFlight("team")).isZero();
    assertThat(limiter.tryAcquire(after)).isTrue();
  }

  @Test
  void anExtraReleaseNeverDrivesTheCountNegative() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter();
    ClientKey one = key("one", 1);
    limiter.release(one);
    assertThat(limiter.tryAcquire(one)).isTrue();
    limiter.release(one);
    limiter.release(one);
    assertThat(limiter.inFlight("one")).isZero();
    assertThat(limiter.tryAcquire(one)).isTrue();
    assertThat(limiter.tryAcquire(one)).as("still a limit of one").isFalse();
  }

  @Test
  void manyThreadsNeverHoldMoreThanTheLimitAndEndAtZero() throws Exception {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter();
    int limit = 3;
    int threads = 8;
    int rounds = 20_000;
    ClientKey shared = key("shared", limit);
    ClientKey other = key("other", 0);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger mostHeld = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < rounds; i++) {
            if (limiter.tryAcquire(shared)) {
              // Counted independently of the limiter: what the holders see at once.
              int now = holding.incrementAndGet();
              mostHeld.accumulateAndGet(now, Math::max);
              admitted.incrementAndGet();
              holding.decrementAndGet();
              limiter.release(shared);
            } else {
              refused.incrementAndGet();
            }
            assertThat(limiter.tryAcquire(other)).isTrue();
            limiter.release(other);
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(mostHeld.get()).isBetween(1, limit);
    assertThat(admitted.get() + refused.get()).isEqualTo(threads * rounds);
    assertThat(limiter.inFlight("shared")).isZero();
    assertThat(limiter.inFlight("other")).isZero();
  }

  @Test
  void theRefusalIsA429NamingTheKeyAndItsLimit() {
    OpenAiError error = OpenAiError.concurrencyLimited("search-team", 2);
    assertThat(error.status()).isEqualTo(429);
    assertThat(error.type()).isEqualTo(OpenAiError.RATE_LIMIT);
    assertThat(error.code()).isEqualTo("concurrency_limit_exceeded");
    assertThat(error.message()).contains("'search-team'").contains("2 requests in flight");
    assertThat(error.toJson().getJsonObject("error").fieldNames()).containsExactlyInAnyOrder("message", "type", "code", "param");
  }
}
