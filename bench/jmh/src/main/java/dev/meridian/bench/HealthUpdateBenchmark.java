package dev.meridian.bench;

import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.ProbeResult;
import java.util.ArrayList;
import java.util.List;
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
 * What one probe result costs every node that holds the health state: {@code HealthState.put(record)}
 * builds a new snapshot with {@code HealthSnapshot.with(record)} (copy-on-write of the one shard the
 * record falls in, so routers read it without locks); this measures that copy.
 * Every node applies every region's results, so the map holds models x regions x observer regions
 * records and takes (models x regions x observer regions) / probe interval updates per second.
 *
 * <p>{@code scale=MxR}: M models in R regions, observed from each of the R regions: 15x3 (the built-in
 * catalog, 135 records), 100x5 (2,500), 1000x10 (100,000).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HealthUpdateBenchmark {
  @Param({"15x3", "100x5", "1000x10"})
  public String scale;

  private HealthSnapshot snapshot;
  private EndpointHealth[] updates;
  private int next;

  @Setup
  public void setUp() {
    int models = Integer.parseInt(scale.substring(0, scale.indexOf('x')));
    int regions = Integer.parseInt(scale.substring(scale.indexOf('x') + 1));
    long now = System.currentTimeMillis();
    List<EndpointHealth> initial = new ArrayList<>();
    List<EndpointHealth> later = new ArrayList<>();
    for (int observer = 0; observer < regions; observer++) {
      for (int m = 0; m < models; m++) {
        for (int r = 0; r < regions; r++) {
          HealthKey key = new HealthKey(Fixtures.region(observer), Fixtures.model(m), Fixtures.region(r));
          EndpointHealth health =
              EndpointHealth.unobserved(key).record(ProbeResult.success(key, now, 200, 50), HealthPolicy.DEFAULT);
          initial.add(health);
          if (later.size() < 4096) {
            later.add(health.record(ProbeResult.success(key, now + 30_000, 210, 52), HealthPolicy.DEFAULT));
          }
        }
      }
    }
    snapshot = HealthSnapshot.of(initial);
    updates = later.toArray(new EndpointHealth[0]);
  }

  @Benchmark
  public Object put() {
    snapshot = snapshot.with(updates[next]);
    next = next + 1 == updates.length ? 0 : next + 1;
    return snapshot;
  }
}
