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
  private final java.util.function.Supplier<Catalog> catalog;
  private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
  private final Timer overhead;
  /**
   * Meters by route, registered on first use and kept: a request then costs a few map reads instead of
   * building tags and ids and looking the meter up in the registry. Keyed by endpoint id for served
   * requests, by the bounded requested name for requests no endpoint took (both bounded sets).
   */
  private final Map<String, RouteMeters> byEndpoint = new ConcurrentHashMap<>();
  private final Map<String, RouteMeters> byRequestedName = new ConcurrentHashMap<>();
  static final int INPUT = 0;
  static final int OUTPUT = 1;
  /** The part of the input the provider's prompt cache served (also counted in input). */
  static final int CACHED_INPUT = 2;
  private static final String[] DIRECTIONS = {"input", "output", "cached_input"};
  private volatile Counter retriesAttempted;
  private volatile Counter retriesDenied;

  public RouterMetrics(MeterRegistry registry, Catalog catalog) {
    this(registry, () -> catalog);
  }

  /** @param catalog the catalog in force, read per record: a model a reload adds is labelled by name */
  public RouterMetrics(MeterRegistry registry, java.util.function.Supplier<Catalog> catalog) {
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
    RouteMeters route = endpoint != null ? routeOf(endpoint) : routeOf(record.requestedModel());

    ApiMeters api = route.api(record.api());
    api.requests(record.outcome()).increment();
    // A recorded request's trace becomes the exemplar of the histogram buckets it lands in.
    dev.meridian.router.trace.TraceExemplars.recordingFor(record.traceId(), record.spanId());
    try {
      api.duration(record.streamed()).record(record.totalNanos(), TimeUnit.NANOSECONDS);
      if (record.firstByteNanos() >= 0) {
        api.ttft().record(record.firstByteNanos(), TimeUnit.NANOSECONDS);
      }
      if (record.overheadNanos() >= 0) {
        overhead.record(record.overheadNanos(), TimeUnit.NANOSECONDS);
      }
    } finally {
      if (record.traceId() != null) {
        dev.meridian.router.trace.TraceExemplars.done();
      }
    }
    if (endpoint != null && ("ok".equals(record.outcome()) || record.usage().completionTokens() > 0)) {
      boolean estimated = record.usage().estimated();
      long input = record.usage().promptTokens();
      long output = record.usage().completionTokens();
      if (input > 0) {
        route.tokens(estimated, false).increment(input);
      }
      if (output > 0) {
        route.tokens(estimated, true).increment(output);
      }
      long cached = record.usage().cachedPromptTokens();
      if (cached > 0) {
        route.tokens(estimated, CACHED_INPUT).increment(cached);
      }
      route.cost().increment(record.costDollars());
    }
    for (ExchangeRecord.AttemptFailure failure : record.failures()) {
      routeOf(failure.endpoint()).upstreamErrors(failure.kind()).increment();
    }
    if (record.fallback()) {
      route.fallbacks().increment();
    }
    if (record.attempts() > 1) {
      Counter attempted = retriesAttempted;
      if (attempted == null) {
        attempted = retriesAttempted = Counter.builder("meridian.retries").tag("result", "attempted").register(registry);
      }
      attempted.increment(record.attempts() - 1);
    }
    if (record.retriesDenied() > 0) {
      Counter denied = retriesDenied;
      if (denied == null) {
        denied = retriesDenied = Counter.builder("meridian.retries").tag("result", "denied_by_budget").register(registry);
      }
      denied.increment(record.retriesDenied());
    }
    if (!"none".equals(record.hedge())) {
      route.hedges(record.hedge()).increment();
    }
  }

  private RouteMeters routeOf(Endpoint endpoint) {
    RouteMeters route = byEndpoint.get(endpoint.id());
    if (route == null || !route.matches(endpoint)) {
      // New, or the catalog changed what serves this id: labels follow the endpoint as it is now.
      route =
          new RouteMeters(
              endpoint.model().id(), endpoint.provider().id(), endpoint.region(), endpoint.model().tier().id());
      byEndpoint.put(endpoint.id(), route);
    }
    return route;
  }

  private RouteMeters routeOf(String requested) {
    // tierOf is a function of the bounded name (a model's tier, a tier's own id, else none).
    String model = boundedName(requested);
    RouteMeters route = byRequestedName.get(model);
    if (route == null) {
      route = byRequestedName.computeIfAbsent(model, m -> new RouteMeters(m, "none", "none", tierOf(requested)));
    }
    return route;
  }

  /**
   * The meters of one (model, provider, region, tier) label set, each registered with the registry the
   * first time it is needed, exactly as a per-request {@code builder(...).register(registry)} would
   * have: same names, descriptions, tags and buckets, and no series before its first sample.
   */
  private final class RouteMeters {
    final String model;
    final String provider;
    final String region;
    final String tier;
    final Tags tags;
    /** The client-facing series, one set per surface (a bounded set: the surfaces served). */
    final Map<String, ApiMeters> byApi = new ConcurrentHashMap<>();
    final Map<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
    final Map<String, Counter> hedges = new ConcurrentHashMap<>();
    /** [estimated][output]. */
    final Counter[][] tokens = new Counter[2][3];
    volatile Counter cost;
    volatile Counter fallbacks;

    RouteMeters(String model, String provider, String region, String tier) {
      this.model = model;
      this.provider = provider;
      this.region = region;
      this.tier = tier;
      this.tags = Tags.of("model", model, "provider", provider, "region", region, "tier", tier);
    }

    boolean matches(Endpoint endpoint) {
      return model.equals(endpoint.model().id())
          && provider.equals(endpoint.provider().id())
          && region.equals(endpoint.region())
          && tier.equals(endpoint.model().tier().id());
    }

    ApiMeters api(String api) {
      ApiMeters meters = byApi.get(api);
      if (meters == null) {
        meters = byApi.computeIfAbsent(api, a -> new ApiMeters(tags.and("api", a)));
      }
      return meters;
    }

    Counter tokens(boolean estimated, boolean output) {
      return tokens(estimated, output ? OUTPUT : INPUT);
    }

    /** @param direction {@link #INPUT}, {@link #OUTPUT} or {@link #CACHED_INPUT} */
    Counter tokens(boolean estimated, int direction) {
      Counter[] bySource = tokens[estimated ? 1 : 0];
      int i = direction;
      Counter counter;
      synchronized (bySource) {
        counter = bySource[i];
      }
      if (counter == null) {
        counter =
            Counter.builder("meridian.tokens")
                .tags("model", model, "provider", provider, "source", estimated ? "estimated" : "usage")
                .tag("direction", DIRECTIONS[i])
                .register(registry);
        synchronized (bySource) {
          bySource[i] = counter;
        }
      }
      return counter;
    }

    Counter cost() {
      Counter counter = cost;
      if (counter == null) {
        counter =
            cost =
                Counter.builder("meridian.cost.dollars")
                    .description("Tokens times catalog price")
                    .tags("model", model, "provider", provider)
                    .register(registry);
      }
      return counter;
    }

    Counter upstreamErrors(String kind) {
      Counter counter = upstreamErrors.get(kind);
      if (counter == null) {
        counter =
            upstreamErrors.computeIfAbsent(
                kind,
                k ->
                    Counter.builder("meridian.upstream.errors")
                        .description("Failed upstream attempts by kind")
                        .tags("model", model, "provider", provider, "region", region, "kind", k)
                        .register(registry));
      }
      return counter;
    }

    Counter fallbacks() {
      Counter counter = fallbacks;
      if (counter == null) {
        counter = fallbacks = Counter.builder("meridian.fallbacks").tags("model", model, "tier", tier).register(registry);
      }
      return counter;
    }

    Counter hedges(String result) {
      Counter counter = hedges.get(result);
      if (counter == null) {
        counter =
            hedges.computeIfAbsent(
                result, r -> Counter.builder("meridian.hedges").tags("model", model, "result", r).register(registry));
      }
      return counter;
    }
  }

  /** The series a client sees per route and surface: requests by outcome, duration, time to first byte. */
  private final class ApiMeters {
    final Tags tags;
    final Map<String, Counter> requests = new ConcurrentHashMap<>();
    volatile Timer durationStreamed;
    volatile Timer durationNotStreamed;
    volatile Timer ttft;

    ApiMeters(Tags tags) {
      this.tags = tags;
    }

    Counter requests(String outcome) {
      Counter counter = requests.get(outcome);
      if (counter == null) {
        counter =
            requests.computeIfAbsent(
                outcome,
                o ->
                    Counter.builder("meridian.requests")
                        .description("Client requests by outcome")
                        .tags(tags)
                        .tag("outcome", o)
                        .register(registry));
      }
      return counter;
    }

    Timer duration(boolean streamed) {
      Timer timer = streamed ? durationStreamed : durationNotStreamed;
      if (timer == null) {
        timer =
            Timer.builder("meridian.request.duration")
                .description("Arrival to last byte")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .tags(tags)
                .tag("streamed", Boolean.toString(streamed))
                .register(registry);
        if (streamed) {
          durationStreamed = timer;
        } else {
          durationNotStreamed = timer;
        }
      }
      return timer;
    }

    Timer ttft() {
      Timer timer = ttft;
      if (timer == null) {
        timer =
            ttft =
                Timer.builder("meridian.ttft")
                    .description("Arrival to the first byte sent to the client")
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .tags(tags)
                    .register(registry);
      }
      return timer;
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
    if (catalog.get().model(requested) != null) {
      return requested;
    }
    String lower = requested.toLowerCase(Locale.ROOT);
    if (Tier.fromId(lower) != null || RouteSelector.AUTO.equals(lower)) {
      return lower;
    }
    // An alias's pattern, not the name the agent sent: dated model names would grow the series.
    dev.meridian.core.routing.ModelAliases.Alias alias = catalog.get().aliases().resolve(requested);
    return alias != null ? alias.pattern() : "other";
  }

  private String tierOf(String requested) {
    if (requested == null) {
      return "none";
    }
    ModelSpec model = catalog.get().model(requested);
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
