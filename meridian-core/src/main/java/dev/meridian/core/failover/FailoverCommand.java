package dev.meridian.core.failover;

import dev.meridian.core.openai.OpenAiError;

/**
 * What the {@link FailoverMachine} asks its driver to do. The driver carries each out with I/O and
 * decides nothing itself.
 */
public sealed interface FailoverCommand {
  /** Send the request to {@code attempt}'s endpoint and arm its first-byte deadline. */
  record Start(FailoverMachine.Attempt attempt) implements FailoverCommand {}

  /** Arm the hedge timer; when it fires, tell the machine {@code onHedgeTimer()}. */
  record ArmHedge() implements FailoverCommand {}

  /** Stop the attempt: reset its upstream request, cancel its timers, ignore its callbacks. */
  record Cancel(FailoverMachine.Attempt attempt) implements FailoverCommand {}

  /** Tell the attempt's breaker ticket how it ended ({@link AttemptOutcome#breaker()}). */
  record Settle(FailoverMachine.Attempt attempt, AttemptOutcome outcome) implements FailoverCommand {}

  /** Count a failure against an already settled attempt's endpoint for the failure-rate trip. */
  record LateFailure(FailoverMachine.Attempt attempt) implements FailoverCommand {}

  /** Relay this attempt's answer to the client (the hedge timer is no longer needed). */
  record Commit(FailoverMachine.Attempt attempt) implements FailoverCommand {}

  /**
   * Answer the client with an error; nothing has been sent to it yet.
   *
   * @param outcome the exchange's outcome label: {@code rate_limited}, {@code timeout}, {@code no_route}
   *     or {@code upstream_error}
   * @param retryAfterSeconds the Retry-After to send, or -1 for none
   */
  record Fail(OpenAiError error, String outcome, long retryAfterSeconds) implements FailoverCommand {}

  /** End the committed stream with an error event; the status (200) is already out. */
  record EndStream(OpenAiError error, String outcome) implements FailoverCommand {}

  /** The client left: nothing to answer. */
  record Abandon() implements FailoverCommand {}
}
