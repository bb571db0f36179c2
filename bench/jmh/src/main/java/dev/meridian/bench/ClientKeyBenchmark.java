package dev.meridian.bench;

import dev.meridian.core.tenancy.Admission;
import dev.meridian.core.tenancy.BudgetPeriod;
import dev.meridian.core.tenancy.ClientKey;
import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.KeyHash;
import dev.meridian.core.tenancy.UsageLimiter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a client key costs on the request path: finding the key (one SHA-256 of the presented key and a
 * map lookup, among {@code keys} configured keys), and the limiter's admission with rate-limit headers
 * (a short lock per key, no cluster call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientKeyBenchmark {
  @Param({"10", "10000"})
  public int keys;

  private ClientKeys clientKeys;
  private String presented;
  private ClientKey key;
  private UsageLimiter limiter;
  private long now;

  @Setup
  public void setUp() {
    List<ClientKey> all = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      String secret = "sk-mer-bench-key-" + i + "-0123456789abcdef";
      // Limits high enough that no admission in the run is refused.
      all.add(new ClientKey("k" + i, KeyHash.sha256Hex(secret), Set.of("*"), 1_000_000_000L, 0, 1_000_000, BudgetPeriod.DAY, 0, 0));
    }
    clientKeys = ClientKeys.of(all);
    presented = "sk-mer-bench-key-" + (keys / 2) + "-0123456789abcdef";
    key = clientKeys.find(presented);
    limiter = new UsageLimiter(all);
    now = System.currentTimeMillis();
  }

  @Benchmark
  public ClientKey authenticate() {
    return clientKeys.find(presented);
  }

  @Benchmark
  public Admission admit() {
    return limiter.admit(key, 200, now);
  }
}
