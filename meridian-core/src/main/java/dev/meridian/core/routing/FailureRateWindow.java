package dev.meridian.core.routing;

/**
 * The outcomes of the last {@code size} calls to one endpoint, to trip a breaker on a failure rate
 * (say half of the last 20) as well as on consecutive failures: an endpoint failing every other request
 * never produces a long streak, yet costs every second client a retry. Thread-safe by synchronisation;
 * called once per upstream attempt, far from contended.
 */
public final class FailureRateWindow {
  private final boolean[] failed;
  private final int minimumCalls;
  private int next;
  private int count;
  private int failures;

  /**
   * @param size outcomes remembered
   * @param minimumCalls no verdict below this many outcomes (a single failure is not a 100% rate)
   */
  public FailureRateWindow(int size, int minimumCalls) {
    if (size < 1 || minimumCalls < 1 || minimumCalls > size) {
      throw new IllegalArgumentException("need 1 <= minimumCalls <= size");
    }
    this.failed = new boolean[size];
    this.minimumCalls = minimumCalls;
  }

  public synchronized void record(boolean failure) {
    if (count == failed.length) {
      if (failed[next]) {
        failures--;
      }
    } else {
      count++;
    }
    failed[next] = failure;
    if (failure) {
      failures++;
    }
    next = (next + 1) % failed.length;
  }

  /** Failure share of the remembered outcomes, or 0 below the minimum number of calls. */
  public synchronized double failureRate() {
    return count < minimumCalls ? 0 : (double) failures / count;
  }

  /** Forgets everything: the breaker closed, the endpoint starts afresh. */
  public synchronized void reset() {
    java.util.Arrays.fill(failed, false);
    next = 0;
    count = 0;
    failures = 0;
  }
}
