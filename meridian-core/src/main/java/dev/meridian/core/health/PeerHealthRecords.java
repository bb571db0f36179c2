package dev.meridian.core.health;

/**
 * What a health record from another cluster member must look like before this node routes on it.
 * Members are not authenticated beyond the cluster's join check, and a record from the future would
 * win every "newer wins" comparison and make this node ignore its own probes, so a record is refused
 * (never repaired) when it claims an observation later than this node's clock plus {@link
 * #MAX_CLOCK_SKEW_MS}, or carries values no prober can produce. Refusing rather than clamping matters:
 * a clamped forgery would still be the base the next honest probe folds into, its counts and averages
 * carried on.
 */
public final class PeerHealthRecords {
  /** How far ahead of this node's clock a peer's observation may be: NTP keeps honest nodes well within. */
  public static final long MAX_CLOCK_SKEW_MS = 5_000;
  /** A probe gives up long before this; larger TTFTs or averages are not measurements. */
  static final double MAX_TTFT_MS = 600_000;
  static final double MAX_TOKENS_PER_SECOND = 1_000_000;
  /** Far above any window a policy keeps (32 by default); bounds what a record may carry. */
  static final int MAX_SAMPLES = 1_024;
  /** Probe errors are short descriptions; a longer one is not ours. */
  public static final int MAX_ERROR_CHARS = 512;

  private PeerHealthRecords() {}

  /**
   * Why {@code record}, received from a peer at {@code nowMs} (this node's clock), is refused; null
   * when it may be used. The reason names the field, never its value.
   */
  public static String problem(EndpointHealth record, long nowMs) {
    if (record.lastObservedAtMs() > nowMs + MAX_CLOCK_SKEW_MS) {
      return "observed in the future (more than " + MAX_CLOCK_SKEW_MS + " ms past this node's clock)";
    }
    if (record.lastObservedAtMs() < 0) {
      return "negative observation time";
    }
    if (record.probes() < 0 || record.failures() < 0 || record.successes() < 0
        || record.failures() > record.probes() || record.successes() > record.probes()) {
      return "probe counts out of range";
    }
    if (record.consecutiveFailures() < 0 || record.consecutiveFailures() > record.failures()) {
      return "consecutiveFailures out of range";
    }
    if (!numberOrAbsent(record.ewmaTtftMs(), MAX_TTFT_MS)) {
      return "ewmaTtftMs out of range";
    }
    if (!numberOrAbsent(record.ewmaTokensPerSecond(), MAX_TOKENS_PER_SECOND)) {
      return "ewmaTokensPerSecond out of range";
    }
    if (record.sampleCount() > MAX_SAMPLES || !record.samplesWithin(MAX_TTFT_MS)) {
      return "recentTtftsMs too long or out of range";
    }
    if (record.lastError() != null && record.lastError().length() > MAX_ERROR_CHARS) {
      return "lastError too long";
    }
    return null;
  }

  private static boolean numberOrAbsent(double value, double max) {
    return Double.isNaN(value) || (value >= 0 && value <= max);
  }
}
