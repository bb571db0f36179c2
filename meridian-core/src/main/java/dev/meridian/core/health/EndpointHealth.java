package dev.meridian.core.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Objects;

/**
 * The rolling health of one endpoint as seen from one region: an immutable value, replaced whole by
 * {@link #record(ProbeResult, HealthPolicy)} and shared across the cluster as JSON.
 *
 * <p>Verdict: an endpoint turns unhealthy after {@code K} consecutive failed probes, and at once if it
 * has never succeeded (an endpoint we have never seen work is not worth a client's request); one
 * success makes it healthy again. A 429 counts as a failure: a throttling endpoint should not get more
 * traffic.
 */
public final class EndpointHealth {
  private final HealthKey key;
  private final boolean healthy;
  private final int consecutiveFailures;
  private final long probes;
  private final long failures;
  private final long successes;
  private final double ewmaTtftMs;
  private final double ewmaTokensPerSecond;
  /** Most recent successful TTFTs, oldest first, at most the policy's window size. */
  private final double[] recentTtftsMs;
  private final long lastObservedAtMs;
  private final ProbeOutcome lastOutcome;
  private final String lastError;
  /**
   * {@link #recentTtftsMs} sorted, built on the first percentile read: routing reads a percentile of
   * every candidate on every request, and the record never changes.
   */
  private volatile double[] sortedTtftsMs;

  private EndpointHealth(
      HealthKey key,
      boolean healthy,
      int consecutiveFailures,
      long probes,
      long failures,
      long successes,
      double ewmaTtftMs,
      double ewmaTokensPerSecond,
      double[] recentTtftsMs,
      long lastObservedAtMs,
      ProbeOutcome lastOutcome,
      String lastError) {
    this.key = Objects.requireNonNull(key, "key");
    this.healthy = healthy;
    this.consecutiveFailures = consecutiveFailures;
    this.probes = probes;
    this.failures = failures;
    this.successes = successes;
    this.ewmaTtftMs = ewmaTtftMs;
    this.ewmaTokensPerSecond = ewmaTokensPerSecond;
    this.recentTtftsMs = recentTtftsMs;
    this.lastObservedAtMs = lastObservedAtMs;
    this.lastOutcome = lastOutcome;
    this.lastError = lastError;
  }

  /** The state before any probe: unknown, treated by routing as neither proven nor failed. */
  public static EndpointHealth unobserved(HealthKey key) {
    return new EndpointHealth(key, true, 0, 0, 0, 0, Double.NaN, Double.NaN, new double[0], 0, null, null);
  }

  /** Folds one probe result into this record; results older than the last one are ignored. */
  public EndpointHealth record(ProbeResult result, HealthPolicy policy) {
    if (!result.key().equals(key)) {
      throw new IllegalArgumentException("result for " + result.key() + " applied to " + key);
    }
    if (probes > 0 && result.observedAtMs() < lastObservedAtMs) {
      return this;
    }
    if (result.outcome().isSuccess()) {
      double[] window = append(recentTtftsMs, result.ttftMs(), policy.windowSize());
      return new EndpointHealth(
          key,
          true,
          0,
          probes + 1,
          failures,
          successes + 1,
          ewma(ewmaTtftMs, result.ttftMs(), policy.ewmaAlpha()),
          ewma(ewmaTokensPerSecond, result.tokensPerSecond(), policy.ewmaAlpha()),
          window,
          result.observedAtMs(),
          result.outcome(),
          null);
    }
    int streak = consecutiveFailures + 1;
    boolean stillHealthy = successes > 0 && streak < policy.failureThreshold() && healthy;
    return new EndpointHealth(
        key,
        stillHealthy,
        streak,
        probes + 1,
        failures + 1,
        successes,
        ewmaTtftMs,
        ewmaTokensPerSecond,
        recentTtftsMs,
        result.observedAtMs(),
        result.outcome(),
        result.error());
  }

  private static double ewma(double previous, double sample, double alpha) {
    if (Double.isNaN(sample)) {
      return previous;
    }
    return Double.isNaN(previous) ? sample : previous + alpha * (sample - previous);
  }

  private static double[] append(double[] window, double sample, int max) {
    if (Double.isNaN(sample)) {
      return window;
    }
    int keep = Math.min(window.length, max - 1);
    double[] next = new double[keep + 1];
    System.arraycopy(window, window.length - keep, next, 0, keep);
    next[keep] = sample;
    return next;
  }

  /** Nearest-rank percentile of the recent TTFT window, NaN when empty. */
  public double ttftPercentileMs(double quantile) {
    if (recentTtftsMs.length == 0) {
      return Double.NaN;
    }
    double[] sorted = sortedTtftsMs;
    if (sorted == null) {
      sorted = recentTtftsMs.clone();
      Arrays.sort(sorted);
      sortedTtftsMs = sorted;
    }
    // The epsilon keeps binary rounding from pushing an exact rank up one (0.07 * 100 = 7.000000000000001).
    int rank = (int) Math.ceil(quantile * sorted.length - 1e-9);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public double ttftP50Ms() {
    return ttftPercentileMs(0.50);
  }

  public double ttftP99Ms() {
    return ttftPercentileMs(0.99);
  }

  /** True when at least one probe has been recorded. */
  public boolean isObserved() {
    return probes > 0;
  }

  /** True when the last observation is recent enough to route on. */
  public boolean isFresh(long nowMs, HealthPolicy policy) {
    return probes > 0 && nowMs - lastObservedAtMs <= policy.staleAfterMs();
  }

  public HealthKey key() {
    return key;
  }

  public boolean healthy() {
    return healthy;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public long probes() {
    return probes;
  }

  public long failures() {
    return failures;
  }

  public long successes() {
    return successes;
  }

  public double ewmaTtftMs() {
    return ewmaTtftMs;
  }

  public double ewmaTokensPerSecond() {
    return ewmaTokensPerSecond;
  }

  public int sampleCount() {
    return recentTtftsMs.length;
  }

  /** True when every recent TTFT sample is a number in [0, max]; for checking peers' records. */
  boolean samplesWithin(double maxMs) {
    for (double sample : recentTtftsMs) {
      if (!(sample >= 0 && sample <= maxMs)) {
        return false;
      }
    }
    return true;
  }

  public long lastObservedAtMs() {
    return lastObservedAtMs;
  }

  public ProbeOutcome lastOutcome() {
    return lastOutcome;
  }

  public String lastError() {
    return lastError;
  }

  public JsonObject toJson() {
    JsonArray window = new JsonArray();
    for (double sample : recentTtftsMs) {
      window.add(sample);
    }
    JsonObject json =
        new JsonObject()
            .put("observerRegion", key.observerRegion())
            .put("model", key.model())
            .put("endpointRegion", key.endpointRegion())
            .put("healthy", healthy)
            .put("consecutiveFailures", consecutiveFailures)
            .put("probes", probes)
            .put("failures", failures)
            .put("successes", successes)
            .put("recentTtftsMs", window)
            .put("lastObservedAtMs", lastObservedAtMs);
    putFinite(json, "ewmaTtftMs", ewmaTtftMs);
    putFinite(json, "ewmaTokensPerSecond", ewmaTokensPerSecond);
    if (lastOutcome != null) {
      json.put("lastOutcome", lastOutcome.name());
    }
    if (lastError != null) {
      json.put("lastError", lastError);
    }
    return json;
  }

  private static void putFinite(JsonObject json, String field, double value) {
    if (Double.isFinite(value)) {
      json.put(field, value);
    }
  }

  public static EndpointHealth fromJson(JsonObject json) {
    HealthKey key =
        new HealthKey(
            json.getString("observerRegion"), json.getString("model"), json.getString("endpointRegion"));
    JsonArray window = json.getJsonArray("recentTtftsMs", new JsonArray());
    double[] samples = new double[window.size()];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = window.getDouble(i);
    }
    String outcome = json.getString("lastOutcome");
    return new EndpointHealth(
        key,
        json.getBoolean("healthy", true),
        json.getInteger("consecutiveFailures", 0),
        json.getLong("probes", 0L),
        json.getLong("failures", 0L),
        json.getLong("successes", 0L),
        json.getDouble("ewmaTtftMs", Double.NaN),
        json.getDouble("ewmaTokensPerSecond", Double.NaN),
        samples,
        json.getLong("lastObservedAtMs", 0L),
        outcome == null ? null : ProbeOutcome.valueOf(outcome),
        json.getString("lastError"));
  }

  @Override
  public String toString() {
    return key + (healthy ? " healthy" : " unhealthy") + " ewmaTtftMs=" + ewmaTtftMs
        + " failures=" + consecutiveFailures;
  }
}
