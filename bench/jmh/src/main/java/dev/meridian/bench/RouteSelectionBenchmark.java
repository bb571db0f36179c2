package dev.meridian.bench;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.routing.RoutePlan;
import dev.meridian.core.routing.RouteSelector;
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
 * Route selection as the router does it per request: {@code RouteSelector.select(model, region,
 * snapshot, now)} over a snapshot in which every endpoint is freshly observed and healthy.
 *
 * <ul>
 *   <li>{@code catalog=default}: the built-in 15 models x 3 regions (45 endpoints), from us-east.
 *   <li>{@code catalog=syntheticN}: N / 10 models x 10 regions (N endpoints: 100, 1,000, 10,000), all
 *       one tier; the scale study of docs/performance.md.
 * </ul>
 *
 * {@code model} ranks one model's endpoints (3 or 10), {@code tier} a whole tier (default: the
 * budget tier; synthetic: all N), {@code auto} the cheapest measured tier with the dearer ones as
 * fallbacks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouteSelectionBenchmark {
  @Param({"default", "synthetic100", "synthetic1000", "synthetic10000"})
  public String catalog;

  private RouteSelector selector;
  private HealthSnapshot snapshot;
  private String region;
  private String model;
  private long nowMs;

  @Setup
  public void setUp() {
    nowMs = System.currentTimeMillis();
    Catalog cat;
    if (catalog.equals("default")) {
      cat = Fixtures.defaultCatalog();
      region = "us-east";
      model = "qwen3-8b";
    } else {
      int endpoints = Integer.parseInt(catalog.substring("synthetic".length()));
      cat = Fixtures.syntheticCatalog(endpoints);
      region = Fixtures.region(0);
      model = Fixtures.model(Math.min(42, endpoints / Fixtures.SYNTHETIC_REGIONS - 1));
    }
    selector = new RouteSelector(cat, HealthPolicy.DEFAULT);
    snapshot = Fixtures.healthySnapshot(cat, region, nowMs);
  }

  @Benchmark
  public RoutePlan model() {
    return selector.select(model, region, snapshot, nowMs);
  }

  @Benchmark
  public RoutePlan tier() {
    return selector.select("budget", region, snapshot, nowMs);
  }

  @Benchmark
  public RoutePlan auto() {
    return selector.select("auto", region, snapshot, nowMs);
  }
}
