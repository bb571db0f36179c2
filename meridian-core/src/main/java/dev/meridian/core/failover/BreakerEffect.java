package dev.meridian.core.failover;

/** What one attempt's end tells an endpoint's circuit breaker. */
public enum BreakerEffect {
  /** Evidence the endpoint works: closes a half-open breaker. */
  SUCCESS,
  /** Evidence the endpoint is failing: counts towards a trip; re-opens a half-open breaker. */
  FAILURE,
  /** No evidence either way: no count, and a half-open breaker stays half-open. */
  NEUTRAL
}
