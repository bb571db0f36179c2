package dev.meridian.core.failover;

/**
 * How one upstream attempt ended, with every consequence declared once: what the endpoint's breaker
 * hears, whether the request moves on to the next candidate, and the {@code kind} label of
 * {@code meridian_upstream_errors_total} (null when the attempt is not an upstream error). The README's
 * "When things fail" list is this table in prose.
 */
public enum AttemptOutcome {
  //                    breaker                  next   label
  /** The connection could not be made or broke before any response. */
  CONNECT_FAILED(BreakerEffect.FAILURE, true, "connect"),
  /** No first byte (stream) or no whole answer (JSON) within the attempt's deadline. */
  FIRST_BYTE_TIMEOUT(BreakerEffect.FAILURE, true, "first_byte_timeout"),
  /** HTTP 429: the endpoint is throttling us, it is not broken; it is blocked until its Retry-After. */
  RATE_LIMITED(BreakerEffect.NEUTRAL, true, "http_429"),
  /** HTTP 5xx. */
  SERVER_ERROR(BreakerEffect.FAILURE, true, "http_5xx"),
  /** HTTP 401/403/404/408: our key, the model's presence there, or its patience: the endpoint's fault. */
  ENDPOINT_REJECTED(BreakerEffect.FAILURE, true, "http_4xx"),
  /** A 2xx whose body failed, or a stream that ended before its first byte. */
  EMPTY_ANSWER(BreakerEffect.FAILURE, true, "stream_broken"),
  /** Any other 4xx: the request itself is wrong and would fail everywhere; relayed to the client. */
  CLIENT_ERROR(BreakerEffect.SUCCESS, false, null),
  /** The first byte arrived: this attempt wins and is relayed. */
  FIRST_BYTE(BreakerEffect.SUCCESS, false, null),
  /** A committed stream broke or went idle: too late to switch; counts for the failure rate only. */
  STREAM_BROKEN(BreakerEffect.NEUTRAL, false, "stream_broken"),
  /** Another attempt of the same request produced its first byte sooner. */
  LOST_HEDGE(BreakerEffect.NEUTRAL, false, null),
  /** The client went away. */
  CLIENT_GONE(BreakerEffect.NEUTRAL, false, null),
  /** The retry budget refused this attempt after the breaker had admitted it. */
  BUDGET_REFUSED(BreakerEffect.NEUTRAL, false, null),
  /** The request's overall deadline passed while this attempt waited for its first byte. */
  REQUEST_DEADLINE(BreakerEffect.FAILURE, false, "first_byte_timeout");

  private final BreakerEffect breaker;
  private final boolean tryNext;
  private final String errorKind;

  AttemptOutcome(BreakerEffect breaker, boolean tryNext, String errorKind) {
    this.breaker = breaker;
    this.tryNext = tryNext;
    this.errorKind = errorKind;
  }

  public BreakerEffect breaker() {
    return breaker;
  }

  /** True when the request should move on to its next candidate. */
  public boolean tryNext() {
    return tryNext;
  }

  /** The upstream-error metric's {@code kind}, or null when this outcome is not an upstream error. */
  public String errorKind() {
    return errorKind;
  }

  /** Whether a request whose every attempt ended so was throttled everywhere (429 to the client). */
  public boolean isRateLimit() {
    return this == RATE_LIMITED;
  }

  /** The outcome of an upstream response status that is not a success. */
  public static AttemptOutcome ofStatus(int status) {
    if (status == 429) {
      return RATE_LIMITED;
    }
    if (status >= 500) {
      return SERVER_ERROR;
    }
    if (status == 401 || status == 403 || status == 404 || status == 408) {
      return ENDPOINT_REJECTED;
    }
    return CLIENT_ERROR;
  }
}
