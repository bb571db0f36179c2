package dev.meridian.core.health;

/** How a probe (or a live request, for passive health) ended. */
public enum ProbeOutcome {
  /** A first token arrived and the stream completed. */
  OK,
  /** The endpoint answered 429; it is alive but throttling us. */
  RATE_LIMITED,
  /** Any other non-2xx status. */
  HTTP_ERROR,
  /** No first token (or no completion) within the probe deadline. */
  TIMEOUT,
  /** Connection refused or reset before a response. */
  CONNECT_ERROR,
  /** 2xx but the body was not a usable stream (no token, broken SSE, reset mid-stream). */
  PROTOCOL_ERROR;

  public boolean isSuccess() {
    return this == OK;
  }
}
