package dev.meridian.core.routing;

/**
 * Caps retries and fallbacks at a share of recent traffic, so an outage of one provider cannot turn
 * into a retry storm against the others. Counts requests and retries in a ring of one-second buckets
 * over a sliding window; a retry is allowed while {@code retries < ratio * requests + minPerWindow}.
 * The floor keeps low-traffic routers able to fail over at all.
 *
 * <p>Not thread-safe: one instance per event loop (each router verticle instance keeps its own), which
 * keeps the hot path free of contention; the cap then holds per instance, hence per node.
 */
public final class RetryBudget {
  public static final double DEFAULT_RATIO = 0.2;
  public static final int DEFAULT_WINDOW_SECONDS = 10;
  public static final int DEFAULT_MIN_RETRIES_PER_WINDOW = 20;

  private final double ratio;
  private final int minRetriesPerWindow;
  private final long[] requests;
  private final long[] retries;
  private final long[] bucketSecond;

  public RetryBudget(double ratio, int windowSeconds, int minRetriesPerWindow) {
    if (!(ratio >= 0)) { // also rejects NaN, which would never deny a retry
      throw new IllegalArgumentException("ratio must be >= 0");
    }
    if (windowSeconds < 1) {
      throw new IllegalArgumentException("windowSeconds must be >= 1");
    }
    this.ratio = ratio;
    this.minRetriesPerWindow = Math.max(0, minRetriesPerWindow);
    this.requests = new long[windowSeconds];
    this.retries = new long[windowSeconds];
    this.bucketSecond = new long[windowSeconds];
    java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
  }

  public static RetryBudget defaults() {
    return new RetryBudget(DEFAULT_RATIO, DEFAULT_WINDOW_SECONDS, DEFAULT_MIN_RETRIES_PER_WINDOW);
  }

  /** Counts one client request. */
  public void onRequest(long nowMs) {
    requests[bucket(nowMs)]++;
  }

  /** Takes one retry from the budget if there is one; false means fail now with what we have. */
  public boolean tryRetry(long nowMs) {
    int current = bucket(nowMs);
    long second = nowMs / 1000;
    long totalRequests = 0;
    long totalRetries = 0;
    for (int i = 0; i < requests.length; i++) {
      if (second - bucketSecond[i] < requests.length) {
        totalRequests += requests[i];
        totalRetries += retries[i];
      }
    }
    if (totalRetries >= ratio * totalRequests + minRetriesPerWindow) {
      return false;
    }
    retries[current]++;
    return true;
  }

  private int bucket(long nowMs) {
    long second = nowMs / 1000;
    int index = (int) Math.floorMod(second, (long) requests.length);
    if (bucketSecond[index] != second) {
      bucketSecond[index] = second;
      requests[index] = 0;
      retries[index] = 0;
    }
    return index;
  }
}
