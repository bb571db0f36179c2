package dev.meridian.core.failover;

import dev.meridian.core.openai.OpenAiError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The failover decisions of one request, as a state machine with no I/O: events in (attempt answered,
 * attempt failed, hedge timer, deadline, client gone), {@link FailoverCommand}s out. The driver in the
 * router carries the commands out on its event loop; everything it would otherwise have to decide
 * (next candidate, hedge, retry budget, breaker verdicts, the client's status) is decided here, and
 * table-tested.
 *
 * <pre>
 *   ROUTING ──first byte / relayed 4xx──► COMMITTED ──completed──────► DONE
 *      │  ▲ attempt failed, next candidate     │ broke / idle / deadline ─► DONE (stream error)
 *      │  └────────────────────────────┘        └ client gone ─────────────► DONE
 *      └── no candidate left / deadline / client gone ──────────────────► DONE (error or nothing)
 * </pre>
 *
 * <p>Not thread-safe: one per request, used on the request's event loop.
 *
 * @param <E> the endpoint type (the router's catalog endpoint; anything in tests)
 */
public final class FailoverMachine<E> {
  /** What the machine is doing. */
  public enum State {
    /** Attempts in flight or about to start; nothing sent to the client. */
    ROUTING,
    /** One attempt's answer is being relayed; no switch is possible any more. */
    COMMITTED,
    /** The request ended; every further event is ignored. */
    DONE
  }

  /**
   * Asks an endpoint's guards to let one attempt through: null when blocked (429 or breaker block) or
   * refused by its breaker; otherwise the breaker ticket the driver settles when the attempt ends.
   */
  @FunctionalInterface
  public interface Admission<E> {
    Object admit(E endpoint);
  }

  /** The request's limits. {@code model} names the request in error messages. */
  public record Options(String model, int maxAttempts, boolean hedge, long firstTokenMs, long requestMs) {}

  /** One try against one endpoint. Identity matters: the driver hands back the attempt it was given. */
  public static final class Attempt {
    private final int number;
    private final Object endpoint;
    private final Object ticket;
    private final boolean hedge;

    Attempt(int number, Object endpoint, Object ticket, boolean hedge) {
      this.number = number;
      this.endpoint = endpoint;
      this.ticket = ticket;
      this.hedge = hedge;
    }

    /** 1 for the first attempt of the request. */
    public int number() {
      return number;
    }

    @SuppressWarnings("unchecked")
    public <E> E endpoint() {
      return (E) endpoint;
    }

    public Object ticket() {
      return ticket;
    }

    public boolean hedge() {
      return hedge;
    }

    @Override
    public String toString() {
      return "attempt " + number + (hedge ? " (hedge)" : "") + " on " + endpoint;
    }
  }

  /** One attempt that did not win, for the exchange record and the metrics. */
  public record Failure<E>(E endpoint, AttemptOutcome outcome) {}

  private final List<E> candidates;
  private final java.util.function.Function<E, String> name;
  private final Options options;
  private final Admission<E> admission;
  private final BooleanSupplier retryBudget;
  private final List<Attempt> inFlight = new ArrayList<>(2);
  private final List<Failure<E>> failures = new ArrayList<>(2);

  private State state = State.ROUTING;
  private int nextCandidate;
  private int attempts;
  private int retriesDenied;
  private boolean hedged;
  private Attempt winner;
  private Attempt last;
  private String lastFailure = "no endpoint could be tried";
  private boolean allRateLimited = true;
  private long minRetryAfterMs = Long.MAX_VALUE;
  private boolean lastWasTimeout;

  /**
   * @param candidates the route plan's endpoints, best first
   * @param retryBudget asked before every attempt after the first; false refuses it
   */
  public FailoverMachine(List<E> candidates, Options options, Admission<E> admission, BooleanSupplier retryBudget) {
    this(candidates, options, admission, retryBudget, String::valueOf);
  }

  /** @param name how an endpoint is named in the client's error message */
  public FailoverMachine(List<E> candidates, Options options, Admission<E> admission, BooleanSupplier retryBudget,
      java.util.function.Function<E, String> name) {
    this.name = name;
    this.candidates = candidates;
    this.options = options;
    this.admission = admission;
    this.retryBudget = retryBudget;
  }

  /** Starts the first attempt (and arms the hedge when hedging), or fails at once when none can start. */
  public List<FailoverCommand> start() {
    List<FailoverCommand> out = new ArrayList<>(3);
    if (!launchNext(false, out)) {
      failAll(out);
      return out;
    }
    if (options.hedge()) {
      out.add(new FailoverCommand.ArmHedge());
    }
    return out;
  }

  /**
   * The attempt has an answer to relay: its first byte ({@link AttemptOutcome#FIRST_BYTE}) or a 4xx the
   * client must see ({@link AttemptOutcome#CLIENT_ERROR}). It wins; any other attempt is cancelled.
   */
  public List<FailoverCommand> onAnswer(Attempt attempt, AttemptOutcome outcome) {
    if (!live(attempt) || state != State.ROUTING) {
      return List.of();
    }
    List<FailoverCommand> out = new ArrayList<>(4);
    winner = attempt;
    state = State.COMMITTED;
    out.add(new FailoverCommand.Settle(attempt, outcome));
    for (Attempt other : inFlight) {
      if (other != attempt) {
        out.add(new FailoverCommand.Cancel(other));
        out.add(new FailoverCommand.Settle(other, AttemptOutcome.LOST_HEDGE));
      }
    }
    inFlight.clear();
    inFlight.add(attempt);
    out.add(new FailoverCommand.Commit(attempt));
    return out;
  }

  /**
   * The attempt failed before it had anything to relay.
   *
   * @param detail what happened, for the client's error message (already free of secrets)
   * @param blockMs for a 429: how long the endpoint is now blocked (the wait the client would hear)
   */
  public List<FailoverCommand> onFailed(Attempt attempt, AttemptOutcome outcome, String detail, long blockMs) {
    if (!live(attempt) || state != State.ROUTING) {
      return List.of();
    }
    if (!outcome.tryNext()) {
      throw new IllegalArgumentException(outcome + " does not end an attempt before its answer");
    }
    List<FailoverCommand> out = new ArrayList<>(3);
    inFlight.remove(attempt);
    out.add(new FailoverCommand.Cancel(attempt));
    out.add(new FailoverCommand.Settle(attempt, outcome));
    failures.add(new Failure<>(attempt.endpoint(), outcome));
    if (outcome.isRateLimit()) {
      minRetryAfterMs = Math.min(minRetryAfterMs, blockMs);
    } else {
      allRateLimited = false;
    }
    lastFailure = name.apply(attempt.<E>endpoint()) + ": " + detail;
    lastWasTimeout = outcome == AttemptOutcome.FIRST_BYTE_TIMEOUT;
    if (inFlight.isEmpty() && !launchNext(false, out)) {
      failAll(out);
    }
    return out;
  }

  /** The hedge delay passed: ask the next candidate too, while the first is still the only one out. */
  public List<FailoverCommand> onHedgeTimer() {
    if (state != State.ROUTING || inFlight.size() != 1) {
      return List.of();
    }
    List<FailoverCommand> out = new ArrayList<>(2);
    if (launchNext(true, out)) {
      hedged = true;
    }
    return out;
  }

  /** The committed answer was relayed in full. */
  public List<FailoverCommand> onCompleted(Attempt attempt) {
    if (state != State.COMMITTED || attempt != winner) {
      return List.of();
    }
    state = State.DONE;
    inFlight.clear();
    return List.of();
  }

  /** The committed stream broke or went idle: end it with an error event. */
  public List<FailoverCommand> onStreamBroken(Attempt attempt, String message) {
    if (state != State.COMMITTED || attempt != winner) {
      return List.of();
    }
    state = State.DONE;
    inFlight.clear();
    failures.add(new Failure<>(attempt.endpoint(), AttemptOutcome.STREAM_BROKEN));
    return List.of(
        new FailoverCommand.Cancel(attempt),
        new FailoverCommand.LateFailure(attempt),
        new FailoverCommand.EndStream(
            new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", message, null), "stream_broken"));
  }

  /** The request's overall deadline passed. */
  public List<FailoverCommand> onDeadline() {
    OpenAiError error = OpenAiError.upstreamTimeout(options.model(), options.requestMs());
    if (state == State.COMMITTED) {
      state = State.DONE;
      inFlight.clear();
      return List.of(new FailoverCommand.Cancel(winner), new FailoverCommand.EndStream(error, "timeout"));
    }
    if (state != State.ROUTING) {
      return List.of();
    }
    state = State.DONE;
    List<FailoverCommand> out = new ArrayList<>(5);
    for (Attempt attempt : inFlight) {
      out.add(new FailoverCommand.Cancel(attempt));
      out.add(new FailoverCommand.Settle(attempt, AttemptOutcome.REQUEST_DEADLINE));
      failures.add(new Failure<>(attempt.endpoint(), AttemptOutcome.REQUEST_DEADLINE));
    }
    inFlight.clear();
    out.add(new FailoverCommand.Fail(error, "timeout", -1));
    return out;
  }

  /** The client went away: stop everything, settle nothing against the endpoints. */
  public List<FailoverCommand> onClientGone() {
    if (state == State.DONE) {
      return List.of();
    }
    state = State.DONE;
    List<FailoverCommand> out = new ArrayList<>(5);
    for (Attempt attempt : inFlight) {
      out.add(new FailoverCommand.Cancel(attempt));
      if (attempt != winner) {
        out.add(new FailoverCommand.Settle(attempt, AttemptOutcome.CLIENT_GONE));
      }
    }
    inFlight.clear();
    out.add(new FailoverCommand.Abandon());
    return out;
  }

  private boolean live(Attempt attempt) {
    return state != State.DONE && inFlight.contains(attempt);
  }

  /** Starts an attempt on the next candidate the guards and the retry budget allow. */
  private boolean launchNext(boolean asHedge, List<FailoverCommand> out) {
    while (nextCandidate < candidates.size() && attempts < options.maxAttempts()) {
      E endpoint = candidates.get(nextCandidate++);
      Object ticket = admission.admit(endpoint);
      if (ticket == null) {
        continue;
      }
      if (attempts > 0 && !retryBudget.getAsBoolean()) {
        Attempt refused = new Attempt(attempts + 1, endpoint, ticket, asHedge);
        out.add(new FailoverCommand.Settle(refused, AttemptOutcome.BUDGET_REFUSED));
        retriesDenied++;
        lastFailure = lastFailure + "; retry budget exhausted";
        return false;
      }
      attempts++;
      Attempt attempt = new Attempt(attempts, endpoint, ticket, asHedge);
      inFlight.add(attempt);
      last = attempt;
      out.add(new FailoverCommand.Start(attempt));
      return true;
    }
    return false;
  }

  private void failAll(List<FailoverCommand> out) {
    state = State.DONE;
    if (allRateLimited && attempts > 0) {
      long seconds = minRetryAfterMs == Long.MAX_VALUE ? 1 : Math.max(1, (minRetryAfterMs + 999) / 1000);
      out.add(new FailoverCommand.Fail(OpenAiError.allRateLimited(options.model(), seconds), "rate_limited", seconds));
    } else if (lastWasTimeout) {
      out.add(new FailoverCommand.Fail(OpenAiError.upstreamTimeout(options.model(), options.firstTokenMs()), "timeout", -1));
    } else if (attempts == 0) {
      // Every candidate was blocked or refused by its breaker between selection and now.
      out.add(new FailoverCommand.Fail(OpenAiError.noHealthyEndpoint(options.model()), "no_route", -1));
    } else {
      out.add(new FailoverCommand.Fail(OpenAiError.upstreamFailed(options.model(), attempts, lastFailure), "upstream_error", -1));
    }
  }

  public State state() {
    return state;
  }

  /** Attempts started so far (hedges included; a budget refusal is not an attempt). */
  public int attempts() {
    return attempts;
  }

  public int retriesDenied() {
    return retriesDenied;
  }

  public boolean hedged() {
    return hedged;
  }

  /** The attempt being relayed, or null before one won. */
  public Attempt winner() {
    return winner;
  }

  /** The endpoint that served, or else the last one tried; null when none was. */
  public E servingEndpoint() {
    Attempt attempt = winner != null ? winner : last;
    return attempt == null ? null : attempt.endpoint();
  }

  /** The attempts that did not win, in order. */
  public List<Failure<E>> failures() {
    return List.copyOf(failures);
  }

  /** The first candidate of the plan, to tell a fallback from the primary. */
  public boolean servedByFallback() {
    return winner != null && !candidates.isEmpty() && !candidates.get(0).equals(winner.endpoint());
  }
}
