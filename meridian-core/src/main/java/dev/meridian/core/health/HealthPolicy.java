package dev.meridian.core.health;

/**
 * How probe results turn into a health verdict.
 *
 * @param failureThreshold consecutive failures that mark a healthy endpoint unhealthy (K)
 * @param windowSize recent TTFT samples kept for percentiles
 * @param ewmaAlpha weight of the newest sample in the moving averages (0..1]
 * @param staleAfterMs a record older than this is ignored by routing (its prober is gone or stuck)
 */
public record HealthPolicy(int failureThreshold, int windowSize, double ewmaAlpha, long staleAfterMs) {
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;
  public static final int DEFAULT_WINDOW_SIZE = 32;
  public static final double DEFAULT_EWMA_ALPHA = 0.3;
  public static final long DEFAULT_STALE_AFTER_MS = 95_000;

  public static final HealthPolicy DEFAULT =
      new HealthPolicy(
          DEFAULT_FAILURE_THRESHOLD, DEFAULT_WINDOW_SIZE, DEFAULT_EWMA_ALPHA, DEFAULT_STALE_AFTER_MS);

  public HealthPolicy {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be >= 1");
    }
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize must be >= 1");
    }
    if (!(ewmaAlpha > 0 && ewmaAlpha <= 1)) {
      throw new IllegalArgumentException("ewmaAlpha must be in (0, 1]");
    }
    if (staleAfterMs <= 0) {
      throw new IllegalArgumentException("staleAfterMs must be > 0");
    }
  }

  /** Default thresholds with a staleness bound of three probe intervals plus slack. */
  public static HealthPolicy forProbeInterval(long probeIntervalMs) {
    return new HealthPolicy(
        DEFAULT_FAILURE_THRESHOLD, DEFAULT_WINDOW_SIZE, DEFAULT_EWMA_ALPHA, probeIntervalMs * 3 + 5_000);
  }

  public HealthPolicy withFailureThreshold(int threshold) {
    return new HealthPolicy(threshold, windowSize, ewmaAlpha, staleAfterMs);
  }

  public HealthPolicy withEwmaAlpha(double alpha) {
    return new HealthPolicy(failureThreshold, windowSize, alpha, staleAfterMs);
  }

  public HealthPolicy withStaleAfterMs(long ms) {
    return new HealthPolicy(failureThreshold, windowSize, ewmaAlpha, ms);
  }
}
