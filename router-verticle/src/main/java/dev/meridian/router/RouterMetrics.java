package dev.meridian.router;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.routing.RouteSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreakerState;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns finished requests and breaker changes into the Prometheus series of docs/metrics.md. Labels
 * come only from the catalog and fixed lists (an unknown requested model is {@code other}), so their
 * cardinality is bounded whatever clients send.
 */
public final class RouterMetrics implements ExchangeListener, ResilienceState.BreakerListener {
  /** Buckets that resolve p50/p99 around the catalog's TTFTs (120 ms to 1.2 s) and long generations. */
  static final Duration[] LATENCY_BUCKETS =
      seconds(0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.5, 2, 3, 5, 10, 20, 30, 60, 120);
  static final Duration[] OVERHEAD_BUCKETS =
      seconds(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05);

  private final MeterRegistry registry;
  private final Catalog catalog;
  private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
  private final Timer overhead;

  public RouterMetrics(MeterRegistry registry, Catalog catalog) {
    this.registry = registry;
    this.catalog = catalog;
    this.overhead =
        Timer.builder("meridian.router.overhead")
            .description("Time in Meridian before the upstream request was sent")
            .serviceLevelObjectives(OVERHEAD_BUCKETS)
            .register(registry);
  }

  @Override
  public void onExchange(ExchangeRecord record) {
    Endpoint endpoint = record.endpoint();
    String model = endpoint != null ? endpoint.model().id() : boundedName(record.requestedModel());
    String provider = endpoint != null ? endpoint.provider().id() : "none";
    String region = endpoint != null ? endpoint.region() : "none";
    String tier = endpoint != null ? endpoint.model().tier().id() : tierOf(record.requestedModel());
    Tags route = Tags.of("model", model, "provider", provider, "region", region, "tier", tier);

    Counter.builder("meridian.requests")
        .description("Client requests by outcome")
        .tags(route)
        .tag("outcome", record.outcome())
        .register(registry)
        .increment();
    Timer.builder("meridian.request.duration")
        .description("Arrival to last byte")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .tags(route)
        .tag("streamed", Boolean.toString(record.streamed()))
        .register(registry)
        .record(record.totalNanos(), TimeUnit.NANOSECONDS);
    if (record.firstByteNanos() >= 0) {
      Timer.builder("meridian.ttft")
          .description("Arrival to the first byte sent to the client")
          .serviceLevelObjectives(LATENCY_BUCKETS)
          .tags(route)
          .register(registry)
          .record(record.firstByteNanos(), TimeUnit.NANOSECONDS);
    }
    if (record.overheadNanos() >= 0) {
      overhead.record(record.overheadNanos(), TimeUnit.NANOSECONDS);
    }
    if (endpoint != null && ("ok".equals(record.outcome()) || record.usage().completionTokens() > 0)) {
      String source = record.usage().estimated() ? "estimated" : "usage";
      Tags usageTags = Tags.of("model", model, "provider", provider, "source", source);
      tokens(usageTags, "input", record.usage().promptTokens());
      tokens(usageTags, "output", record.usage().completionTokens());
      Counter.builder("meridian.cost.dollars")
          .description("Tokens times catalog price")
          .tags("model", model, "provider", provider)
          .register(registry)
          .increment(record.costDollars());
    }
    for (ExchangeRecord.AttemptFailure failure : record.failures()) {
      Endpoint failed = failure.endpoint();
      Counter.builder("meridian.upstream.errors")
          .description("Failed upstream attempts by kind")
          .tags(
              "model", failed.model().id(),
              "provider", failed.provider().id(),
              "region", failed.region(),
              "kind", failure.kind())
          .register(registry)
          .increment();
    }
    if (record.fallback()) {
      Counter.builder("meridian.fallbacks").tags("model", model, "tier", tier).register(registry).increment();
    }
    if (record.attempts() > 1) {
      Counter.builder("meridian.retries").tag("result", "attempted").register(registry).increment(record.attempts() - 1);
    }
    if (record.retriesDenied() > 0) {
      Counter.builder("meridian.retries").tag("result", "denied_by_budget").register(registry).increment(record.retriesDenied());
    }
    if (!"none".equals(record.hedge())) {
      Counter.builder("meridian.hedges").tags("model", model, "result", record.hedge()).register(registry).increment();
    }
  }

  private void tokens(Tags tags, String direction, long count) {
    if (count > 0) {
      Counter.builder("meridian.tokens").tags(tags).tag("direction", direction).register(registry).increment(count);
    }
  }

  @Override
  public void onStateChange(Endpoint endpoint, CircuitBreakerState state) {
    breakerStates
        .computeIfAbsent(
            endpoint.id(),
            id -> {
              AtomicInteger value = new AtomicInteger();
              io.micrometer.core.instrument.Gauge.builder("meridian.breaker.state", value, AtomicInteger::get)
                  .description("0 closed, 1 open, 2 half-open, on this node")
                  .tags("model", endpoint.model().id(), "provider", endpoint.provider().id(), "region", endpoint.region())
                  .register(registry);
              return value;
            })
        .set(switch (state) {
          case CLOSED -> 0;
          case OPEN -> 1;
          case HALF_OPEN -> 2;
        });
  }

  private String boundedName(String requested) {
    if (requested == null) {
      return "other";
    }
    if (catalog.model(requested) != null) {
      return requested;
    }
    String lower = requested.toLowerCase(Locale.ROOT);
    return Tier.fromId(lower) != null || RouteSelector.AUTO.equals(lower) ? lower : "other";
  }

  private String tierOf(String requested) {
    if (requested == null) {
      return "none";
    }
    ModelSpec model = catalog.model(requested);
    if (model != null) {
      return model.tier().id();
    }
    Tier tier = Tier.fromId(requested.toLowerCase(Locale.ROOT));
    return tier != null ? tier.id() : "none";
  }

  private static Duration[] seconds(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000_000L));
    }
    return durations;
  }
}
