package dev.meridian.health;

import dev.meridian.core.health.ProbeResult;
import io.vertx.core.json.JsonObject;

/** Event bus addresses of the health verticle and the shape of their messages. */
public final class HealthAddresses {
  /**
   * Every probe result of this node, published locally (never across the cluster) as the JSON of
   * {@link #toJson(ProbeResult)}; for metrics and debugging.
   */
  public static final String PROBE_RESULTS = "meridian.health.probe-results";

  private HealthAddresses() {}

  /** Fields: observerRegion, model, endpointRegion, observedAtMs, outcome, httpStatus, tokens, cost,
   * and ttftMs, tokensPerSecond, error when known. */
  public static JsonObject toJson(ProbeResult result) {
    JsonObject json =
        new JsonObject()
            .put("observerRegion", result.key().observerRegion())
            .put("model", result.key().model())
            .put("endpointRegion", result.key().endpointRegion())
            .put("observedAtMs", result.observedAtMs())
            .put("outcome", result.outcome().name())
            .put("httpStatus", result.httpStatus())
            .put("promptTokens", result.promptTokens())
            .put("completionTokens", result.completionTokens())
            .put("costDollars", result.costDollars());
    if (Double.isFinite(result.ttftMs())) {
      json.put("ttftMs", result.ttftMs());
    }
    if (Double.isFinite(result.tokensPerSecond())) {
      json.put("tokensPerSecond", result.tokensPerSecond());
    }
    if (result.error() != null) {
      json.put("error", result.error());
    }
    return json;
  }
}
