package dev.meridian.simulator;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each simulated endpoint has seen, for tests and {@code GET /admin/stats}. The event loop writes;
 * tests may read from another thread, hence concurrent maps and adders. Only whether an Authorization
 * header was present is counted: its value is never stored.
 */
public final class SimulatorStats {
  /** Caller-region key when the request named no router region. */
  public static final String NO_CALLER_REGION = "none";
  /** Caller-region key for a region the catalog does not know (bounded, unlike arbitrary header values). */
  public static final String OTHER_CALLER_REGION = "other";

  private final Map<String, EndpointStats> endpoints = new ConcurrentHashMap<>();

  /** Live counters of {@code endpointId} ({@code model@region}); all zero when it has seen nothing. */
  public EndpointStats endpoint(String endpointId) {
    EndpointStats stats = endpoints.get(endpointId);
    return stats != null ? stats : new EndpointStats();
  }

  /** The counters to update for {@code endpointId}, created on first use. */
  EndpointStats record(String endpointId) {
    return endpoints.computeIfAbsent(endpointId, id -> new EndpointStats());
  }

  /** Requests over all endpoints. */
  public long totalRequests() {
    long total = 0;
    for (EndpointStats stats : endpoints.values()) {
      total += stats.requests();
    }
    return total;
  }

  public void reset() {
    endpoints.clear();
  }

  /** {@code {"model@region": {...}}} for every endpoint that has seen a request, sorted. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    new TreeMap<>(endpoints).forEach((id, stats) -> json.put(id, stats.toJson()));
    return json;
  }

  /** Counters of one endpoint. */
  public static final class EndpointStats {
    private final LongAdder requests = new LongAdder();
    private final LongAdder probes = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder withAuthorization = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cachedTokens = new LongAdder();
    private final Map<String, LongAdder> callerRegions = new ConcurrentHashMap<>();
    private final Map<FaultKind, LongAdder> faults = new ConcurrentHashMap<>();
    private volatile String lastTraceparent;

    void recordRequest(String callerRegion, boolean probe, boolean authorizationPresent) {
      recordRequest(callerRegion, probe, authorizationPresent, null);
    }

    /** @param traceparent the request's W3C {@code traceparent} header, null when it had none */
    void recordRequest(String callerRegion, boolean probe, boolean authorizationPresent, String traceparent) {
      if (traceparent != null && traceparent.length() <= 64) {
        lastTraceparent = traceparent;
      }
      requests.increment();
      if (probe) {
        probes.increment();
      }
      if (authorizationPresent) {
        withAuthorization.increment();
      }
      callerRegions.computeIfAbsent(callerRegion, r -> new LongAdder()).increment();
    }

    void recordCompleted() {
      completed.increment();
    }

    void recordCancelled() {
      cancelled.increment();
    }

    /** A request whose prompt the endpoint's prefix cache partly served. */
    void recordCacheHit(long tokens) {
      cacheHits.increment();
      cachedTokens.add(tokens);
    }

    public long cacheHits() {
      return cacheHits.sum();
    }

    public long cachedTokens() {
      return cachedTokens.sum();
    }

    void recordFault(FaultKind kind) {
      faults.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    public long requests() {
      return requests.sum();
    }

    /** The {@code traceparent} of the last request that carried one, as a provider would see it. */
    public String lastTraceparent() {
      return lastTraceparent;
    }

    /** Requests carrying {@code x-meridian-probe: true}. */
    public long probes() {
      return probes.sum();
    }

    /** Chat completions answered in full (the last byte of a stream, or the whole JSON). */
    public long completed() {
      return completed.sum();
    }

    /** Requests whose client went away before the answer was complete. */
    public long cancelled() {
      return cancelled.sum();
    }

    /** Requests that carried an Authorization header (whatever its value). */
    public long authorizationPresent() {
      return withAuthorization.sum();
    }

    public long fromCallerRegion(String region) {
      LongAdder count = callerRegions.get(region);
      return count == null ? 0 : count.sum();
    }

    /** Requests by the router region they named; see {@link #NO_CALLER_REGION}, {@link #OTHER_CALLER_REGION}. */
    public Map<String, Long> callerRegions() {
      Map<String, Long> copy = new TreeMap<>();
      callerRegions.forEach((region, count) -> copy.put(region, count.sum()));
      return copy;
    }

    public long faults(FaultKind kind) {
      LongAdder count = faults.get(kind);
      return count == null ? 0 : count.sum();
    }

    public JsonObject toJson() {
      JsonObject regions = new JsonObject();
      callerRegions().forEach(regions::put);
      JsonObject injected = new JsonObject();
      for (FaultKind kind : FaultKind.values()) {
        long count = faults(kind);
        if (count > 0) {
          injected.put(kind.jsonName(), count);
        }
      }
      return new JsonObject()
          .put("requests", requests())
          .put("probes", probes())
          .put("callerRegions", regions)
          .put("completed", completed())
          .put("cancelled", cancelled())
          .put("faults", injected)
          .put("cacheHits", cacheHits())
          .put("cachedTokens", cachedTokens())
          .put("authorizationPresent", authorizationPresent())
          .put("lastTraceparent", lastTraceparent());
    }
  }
}
