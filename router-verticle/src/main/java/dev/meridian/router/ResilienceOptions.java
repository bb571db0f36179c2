package dev.meridian.router;

import io.vertx.core.json.JsonObject;

/** Circuit breaker, retry budget and hedging settings; defaults documented in docs/configuration.md. */
public final class ResilienceOptions {
  /** Consecutive (within the rolling window) pre-first-byte failures that open a breaker. */
  public static final int DEFAULT_BREAKER_MAX_FAILURES = 5;
  public static final long DEFAULT_BREAKER_FAILURES_WINDOW_MS = 10_000;
  /** Failure share over the last {@link #DEFAULT_BREAKER_RATE_WINDOW} calls that opens a breaker. */
  public static final double DEFAULT_BREAKER_FAILURE_RATE = 0.5;
  public static final int DEFAULT_BREAKER_RATE_WINDOW = 20;
  public static final int DEFAULT_BREAKER_RATE_MINIMUM_CALLS = 10;
  /** How long an open breaker keeps its endpoint out of routing before a trial request. */
  public static final long DEFAULT_BREAKER_COOL_DOWN_MS = 5_000;
  /** Block after a 429 without a usable Retry-After. */
  public static final long DEFAULT_RATE_LIMIT_BLOCK_MS = 1_000;
  /**
   * Longest block a 429's Retry-After or a peer's block event can impose (from now, or from the
   * event's receipt): an endpoint comes back into routing within this, whatever a provider or a
   * cluster member says. Keep it at least the breaker cool-down, or peers cut breaker blocks short.
   */
  public static final long DEFAULT_MAX_BLOCK_MS = 300_000;
  public static final double DEFAULT_RETRY_BUDGET_RATIO = 0.2;
  public static final int DEFAULT_RETRY_BUDGET_MIN_PER_WINDOW = 20;
  public static final int DEFAULT_RETRY_BUDGET_WINDOW_SECONDS = 10;
  public static final boolean DEFAULT_HEDGE_BY_DEFAULT = false;

  private int breakerMaxFailures = DEFAULT_BREAKER_MAX_FAILURES;
  private long breakerFailuresWindowMs = DEFAULT_BREAKER_FAILURES_WINDOW_MS;
  private double breakerFailureRate = DEFAULT_BREAKER_FAILURE_RATE;
  private int breakerRateWindow = DEFAULT_BREAKER_RATE_WINDOW;
  private int breakerRateMinimumCalls = DEFAULT_BREAKER_RATE_MINIMUM_CALLS;
  private long breakerCoolDownMs = DEFAULT_BREAKER_COOL_DOWN_MS;
  private long rateLimitBlockMs = DEFAULT_RATE_LIMIT_BLOCK_MS;
  private long maxBlockMs = DEFAULT_MAX_BLOCK_MS;
  private double retryBudgetRatio = DEFAULT_RETRY_BUDGET_RATIO;
  private int retryBudgetMinPerWindow = DEFAULT_RETRY_BUDGET_MIN_PER_WINDOW;
  private int retryBudgetWindowSeconds = DEFAULT_RETRY_BUDGET_WINDOW_SECONDS;
  private boolean hedgeByDefault = DEFAULT_HEDGE_BY_DEFAULT;

  public ResilienceOptions() {}

  public ResilienceOptions(ResilienceOptions other) {
    this(other.toJson());
  }

  public ResilienceOptions(JsonObject json) {
    breakerMaxFailures = json.getInteger("breakerMaxFailures", breakerMaxFailures);
    breakerFailuresWindowMs = json.getLong("breakerFailuresWindowMs", breakerFailuresWindowMs);
    breakerFailureRate = json.getDouble("breakerFailureRate", breakerFailureRate);
    breakerRateWindow = json.getInteger("breakerRateWindow", breakerRateWindow);
    breakerRateMinimumCalls = json.getInteger("breakerRateMinimumCalls", breakerRateMinimumCalls);
    breakerCoolDownMs = json.getLong("breakerCoolDownMs", breakerCoolDownMs);
    rateLimitBlockMs = json.getLong("rateLimitBlockMs", rateLimitBlockMs);
    maxBlockMs = json.getLong("maxBlockMs", maxBlockMs);
    retryBudgetRatio = json.getDouble("retryBudgetRatio", retryBudgetRatio);
    retryBudgetMinPerWindow = json.getInteger("retryBudgetMinPerWindow", retryBudgetMinPerWindow);
    retryBudgetWindowSeconds = json.getInteger("retryBudgetWindowSeconds", retryBudgetWindowSeconds);
    hedgeByDefault = json.getBoolean("hedgeByDefault", hedgeByDefault);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("breakerMaxFailures", breakerMaxFailures)
        .put("breakerFailuresWindowMs", breakerFailuresWindowMs)
        .put("breakerFailureRate", breakerFailureRate)
        .put("breakerRateWindow", breakerRateWindow)
        .put("breakerRateMinimumCalls", breakerRateMinimumCalls)
        .put("breakerCoolDownMs", breakerCoolDownMs)
        .put("rateLimitBlockMs", rateLimitBlockMs)
        .put("maxBlockMs", maxBlockMs)
        .put("retryBudgetRatio", retryBudgetRatio)
        .put("retryBudgetMinPerWindow", retryBudgetMinPerWindow)
        .put("retryBudgetWindowSeconds", retryBudgetWindowSeconds)
        .put("hedgeByDefault", hedgeByDefault);
  }

  public int getBreakerMaxFailures() { return breakerMaxFailures; }
  public ResilienceOptions setBreakerMaxFailures(int v) { breakerMaxFailures = v; return this; }
  public long getBreakerFailuresWindowMs() { return breakerFailuresWindowMs; }
  public ResilienceOptions setBreakerFailuresWindowMs(long v) { breakerFailuresWindowMs = v; return this; }
  public double getBreakerFailureRate() { return breakerFailureRate; }
  public ResilienceOptions setBreakerFailureRate(double v) { breakerFailureRate = v; return this; }
  public int getBreakerRateWindow() { return breakerRateWindow; }
  public ResilienceOptions setBreakerRateWindow(int v) { breakerRateWindow = v; return this; }
  public int getBreakerRateMinimumCalls() { return breakerRateMinimumCalls; }
  public ResilienceOptions setBreakerRateMinimumCalls(int v) { breakerRateMinimumCalls = v; return this; }
  public long getBreakerCoolDownMs() { return breakerCoolDownMs; }
  public ResilienceOptions setBreakerCoolDownMs(long v) { breakerCoolDownMs = v; return this; }
  public long getRateLimitBlockMs() { return rateLimitBlockMs; }
  public ResilienceOptions setRateLimitBlockMs(long v) { rateLimitBlockMs = v; return this; }
  public long getMaxBlockMs() { return maxBlockMs; }
  public ResilienceOptions setMaxBlockMs(long v) { maxBlockMs = v; return this; }
  public double getRetryBudgetRatio() { return retryBudgetRatio; }
  public ResilienceOptions setRetryBudgetRatio(double v) { retryBudgetRatio = v; return this; }
  public int getRetryBudgetMinPerWindow() { return retryBudgetMinPerWindow; }
  public ResilienceOptions setRetryBudgetMinPerWindow(int v) { retryBudgetMinPerWindow = v; return this; }
  public int getRetryBudgetWindowSeconds() { return retryBudgetWindowSeconds; }
  public ResilienceOptions setRetryBudgetWindowSeconds(int v) { retryBudgetWindowSeconds = v; return this; }
  public boolean isHedgeByDefault() { return hedgeByDefault; }
  public ResilienceOptions setHedgeByDefault(boolean v) { hedgeByDefault = v; return this; }
}
