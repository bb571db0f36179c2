package dev.meridian.launcher;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthState;
import dev.meridian.health.HealthAddresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health side of the metrics: probe outcomes, TTFT and cost from this node's prober (local event
 * bus), and gauges that read the health snapshot when scraped. Request metrics live in the router.
 */
final class NodeMetrics {
  private static final Duration[] PROBE_BUCKETS =
      java.util.stream.DoubleStream.of(0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.5, 2, 3, 5, 10)
          .mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9)))
          .toArray(Duration[]::new);

  private NodeMetrics() {}

  /**
   * @param catalog the catalog in force, read again after each reload: series of endpoints and regions
   *     a reload adds are registered within a second of it
   */
  static void bind(
      Vertx vertx, MeterRegistry registry, java.util.function.Supplier<Catalog> catalog, HealthState health,
      HealthPolicy policy, String region) {
    AtomicLong lastSuccessEpochSeconds = new AtomicLong();
    Gauge.builder("meridian.probe.last.success.timestamp.seconds", lastSuccessEpochSeconds, AtomicLong::get)
        .description("Unix time of this node's last successful probe")
        .tag("observer_region", region)
        .register(registry);
    Counter probeCost =
        Counter.builder("meridian.probe.cost.dollars").tag("observer_region", region).register(registry);
    vertx.eventBus().<JsonObject>localConsumer(HealthAddresses.PROBE_RESULTS, message -> {
      JsonObject result = message.body();
      String model = result.getString("model");
      String endpointRegion = result.getString("endpointRegion");
      String outcome = result.getString("outcome", "unknown").toLowerCase(Locale.ROOT);
      Counter.builder("meridian.probes")
          .tags("observer_region", region, "model", model, "endpoint_region", endpointRegion, "outcome", outcome)
          .register(registry)
          .increment();
      Double ttft = result.getDouble("ttftMs");
      if (ttft != null) {
        Timer.builder("meridian.probe.ttft")
            .serviceLevelObjectives(PROBE_BUCKETS)
            .tags("observer_region", region, "model", model, "endpoint_region", endpointRegion)
            .register(registry)
            .record(Math.round(ttft * 1_000_000), TimeUnit.NANOSECONDS);
      }
      if ("ok".equals(outcome)) {
        lastSuccessEpochSeconds.set(result.getLong("observedAtMs", System.currentTimeMillis()) / 1000);
      }
      probeCost.increment(result.getDouble("costDollars", 0.0));
    });

    Catalog[] followed = {catalog.get()};
    registerEndpoints(registry, followed[0], catalog, health, policy, region);
    vertx.setPeriodic(1_000, id -> {
      Catalog now = catalog.get();
      if (now != followed[0]) {
        followed[0] = now;
        registerEndpoints(registry, now, catalog, health, policy, region);
      }
    });
  }

  /** Gauges for every endpoint and region of {@code current}; those already registered stay as they are. */
  private static void registerEndpoints(MeterRegistry registry, Catalog current, java.util.function.Supplier<Catalog> catalog,
      HealthState health, HealthPolicy policy, String region) {
    for (Endpoint endpoint : current.endpoints()) {
      String model = endpoint.model().id();
      String endpointRegion = endpoint.region();
      Gauge.builder("meridian.endpoint.healthy", () -> {
            EndpointHealth record = health.current().get(region, model, endpointRegion);
            return record == null || !record.isFresh(System.currentTimeMillis(), policy) ? Double.NaN : record.healthy() ? 1 : 0;
          })
          .description("1 healthy, 0 unhealthy, NaN unobserved, as this region's records say")
          .tags("observer_region", region, "model", model, "endpoint_region", endpointRegion)
          .register(registry);
    }
    for (var target : current.regions()) {
      String targetRegion = target.id();
      Gauge.builder("meridian.region.healthy.endpoints", () -> {
            long now = System.currentTimeMillis();
            int healthy = 0;
            for (Endpoint endpoint : catalog.get().endpoints()) {
              if (!endpoint.region().equals(targetRegion)) {
                continue;
              }
              EndpointHealth record = health.current().get(region, endpoint.model().id(), targetRegion);
              if (record != null && record.isFresh(now, policy) && record.healthy()) {
                healthy++;
              }
            }
            return healthy;
          })
          .description("Healthy endpoints located in the region, as this router's region sees them")
          .tag("region", targetRegion)
          .register(registry);
    }
  }
}
