package dev.meridian.core.health;

import java.util.Objects;

/**
 * One measurement of one endpoint from one region.
 *
 * @param observedAtMs wall-clock epoch millis when the probe started; records from other regions are
 *     compared by it, so clocks are assumed NTP-synchronised (seconds of skew are harmless)
 * @param ttftMs time to first token (content or reasoning delta), NaN when none arrived
 * @param tokensPerSecond generation speed after the first token, NaN when not measurable
 * @param error short, secret-free description of the failure, null on success
 */
public record ProbeResult(
    HealthKey key,
    long observedAtMs,
    ProbeOutcome outcome,
    double ttftMs,
    double tokensPerSecond,
    int promptTokens,
    int completionTokens,
    double costDollars,
    int httpStatus,
    String error) {

  public ProbeResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
  }

  public static ProbeResult success(
      HealthKey key, long observedAtMs, double ttftMs, double tokensPerSecond) {
    return new ProbeResult(key, observedAtMs, ProbeOutcome.OK, ttftMs, tokensPerSecond, 0, 0, 0, 200, null);
  }

  public static ProbeResult failure(
      HealthKey key, long observedAtMs, ProbeOutcome outcome, int httpStatus, String error) {
    return new ProbeResult(
        key, observedAtMs, outcome, Double.NaN, Double.NaN, 0, 0, 0, httpStatus, error);
  }
}
