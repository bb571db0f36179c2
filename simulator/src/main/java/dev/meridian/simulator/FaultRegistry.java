package dev.meridian.simulator;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults per endpoint ({@code model@region}), switchable at run time by the admin API or directly by
 * tests in the same JVM. Concurrent, because tests set faults from their own thread while the event
 * loop reads them.
 */
public final class FaultRegistry {
  private final Map<String, FaultSpec> byEndpoint = new ConcurrentHashMap<>();

  /** Replaces the faults of {@code modelId@region}; {@link FaultSpec#NONE} clears them. */
  public void set(String modelId, String region, FaultSpec spec) {
    Objects.requireNonNull(spec, "spec");
    String key = key(modelId, region);
    if (spec.isNone()) {
      byEndpoint.remove(key);
    } else {
      byEndpoint.put(key, spec);
    }
  }

  /** The faults of {@code modelId@region}; {@link FaultSpec#NONE} when there are none. */
  public FaultSpec get(String modelId, String region) {
    return get(key(modelId, region));
  }

  /** Same, by endpoint id ({@code model@region}). */
  public FaultSpec get(String endpointId) {
    return byEndpoint.getOrDefault(endpointId, FaultSpec.NONE);
  }

  /** Returns whether there was anything to clear. */
  public boolean clear(String modelId, String region) {
    return byEndpoint.remove(key(modelId, region)) != null;
  }

  /** Returns how many endpoints had faults. */
  public int clearAll() {
    int count = byEndpoint.size();
    byEndpoint.clear();
    return count;
  }

  /** A sorted snapshot of the active faults by endpoint id. */
  public Map<String, FaultSpec> active() {
    return new TreeMap<>(byEndpoint);
  }

  /** {@code {"model@region": {...active fields}}}, sorted. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    active().forEach((endpoint, spec) -> json.put(endpoint, spec.toJson()));
    return json;
  }

  private static String key(String modelId, String region) {
    return Objects.requireNonNull(modelId, "modelId") + "@" + Objects.requireNonNull(region, "region");
  }
}
