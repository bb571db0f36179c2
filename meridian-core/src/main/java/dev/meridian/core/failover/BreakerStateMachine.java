package dev.meridian.core.failover;

import dev.meridian.core.routing.FailureRateWindow;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * One endpoint's circuit breaker on one node: CLOSED until too many failures (a count within a rolling
 * window, or a failure rate over the last calls), then OPEN for a cool-down, then HALF_OPEN, where one
 * trial is let through; its success closes the breaker, its failure opens it again.
 *
 * <p>Meridian owns this small machine instead of driving Vert.x's {@code CircuitBreaker}, because that
 * one knows only success and failure: it resets its failure count on every non-failed operation and
 * closes a half-open breaker on one, so an attempt that proved nothing (a 429, a lost hedge, a client
 * that left) would count as health. Here a {@link BreakerEffect#NEUTRAL} outcome changes no count, and a
 * half-open trial that ends neutral frees the trial slot: the next request is the trial.
 *
 * <p>Thread-safe: the node's router instances (one per event loop) share one machine per endpoint.
 */
public final class BreakerStateMachine {
  /** The breaker's states, with the Vert.x Circuit Breaker's names. */
  public enum State {
    /** Traffic flows; failures are counted. */
    CLOSED,
    /** Out of routing until the cool-down ends. */
    OPEN,
    /** Cool-down over: one trial request decides. */
    HALF_OPEN
  }

  /** Told of every state change, outside the machine's lock. */
  @FunctionalInterface
  public interface Listener {
    void onTransition(State from, State to);
  }

  /** The thresholds; see ResilienceOptions for their defaults. */
  public record Options(int maxFailures, long failuresWindowMs, long coolDownMs, int rateWindow, int rateMinimumCalls,
      double failureRate) {}

  /** Admission to one attempt; settle it exactly once (later calls are ignored). */
  public final class Ticket {
    private final boolean trial;
    private boolean settled;

    private Ticket(boolean trial) {
      this.trial = trial;
    }

    /** True when this attempt is the half-open trial. */
    public boolean trial() {
      return trial;
    }

    public void settle(BreakerEffect effect) {
      State[] change;
      synchronized (BreakerStateMachine.this) {
        if (settled) {
          return;
        }
        settled = true;
        change = apply(this, effect);
      }
      announce(change);
    }
  }

  private final Options options;
  private final LongSupplier clockMs;
  private final Listener listener;
  private final FailureRateWindow rate;
  /** Times of the failures still inside the rolling window, oldest first. */
  private final ArrayDeque<Long> recentFailures = new ArrayDeque<>();
  private State state = State.CLOSED;
  private long openUntilMs;
  private boolean trialInFlight;

  public BreakerStateMachine(Options options, LongSupplier clockMs, Listener listener) {
    this.options = options;
    this.clockMs = clockMs;
    this.listener = listener;
    this.rate = new FailureRateWindow(options.rateWindow(), options.rateMinimumCalls());
  }

  /** A ticket for one attempt, or null when the breaker refuses (open, or its trial is out). */
  public Ticket admit() {
    State[] change;
    Ticket ticket;
    synchronized (this) {
      change = coolDownOver();
      ticket = switch (state) {
        case CLOSED -> new Ticket(false);
        case OPEN -> null;
        case HALF_OPEN -> {
          if (trialInFlight) {
            yield null;
          }
          trialInFlight = true;
          yield new Ticket(true);
        }
      };
    }
    announce(change);
    return ticket;
  }

  /** The state now; an open breaker whose cool-down has ended reads (and becomes) half-open. */
  public State state() {
    State[] change;
    State now;
    synchronized (this) {
      change = coolDownOver();
      now = state;
    }
    announce(change);
    return now;
  }

  /** A failure after the ticket was settled (a committed stream that broke): counts for the rate. */
  public void recordLateFailure() {
    State[] change;
    synchronized (this) {
      rate.record(true);
      change = state == State.CLOSED && tripped() ? open() : null;
    }
    announce(change);
  }

  /** Opens the breaker now (an operator's or a test's hand). */
  public void forceOpen() {
    State[] change;
    synchronized (this) {
      change = open();
    }
    announce(change);
  }

  /** Milliseconds until an open breaker turns half-open; 0 when it is not open. */
  public synchronized long remainingCoolDownMs() {
    return state == State.OPEN ? Math.max(0, openUntilMs - clockMs.getAsLong()) : 0;
  }

  private State[] apply(Ticket ticket, BreakerEffect effect) {
    if (ticket.trial) {
      trialInFlight = false;
    }
    if (effect == BreakerEffect.NEUTRAL) {
      return null;
    }
    boolean failure = effect == BreakerEffect.FAILURE;
    rate.record(failure);
    if (ticket.trial && state == State.HALF_OPEN) {
      return failure ? open() : close();
    }
    if (state != State.CLOSED) {
      // A ticket from before the trip: the trial decides, not this late answer.
      return null;
    }
    if (!failure) {
      // The count is of failures in a row within the window, as Vert.x's breaker counts them.
      recentFailures.clear();
      return null;
    }
    long now = clockMs.getAsLong();
    recentFailures.addLast(now);
    while (!recentFailures.isEmpty() && recentFailures.peekFirst() <= now - options.failuresWindowMs()) {
      recentFailures.removeFirst();
    }
    return recentFailures.size() >= options.maxFailures() || tripped() ? open() : null;
  }

  private boolean tripped() {
    return rate.failureRate() >= options.failureRate();
  }

  private State[] open() {
    State before = state;
    state = State.OPEN;
    openUntilMs = clockMs.getAsLong() + options.coolDownMs();
    trialInFlight = false;
    recentFailures.clear();
    return before == State.OPEN ? null : new State[] {before, State.OPEN};
  }

  private State[] close() {
    State before = state;
    state = State.CLOSED;
    recentFailures.clear();
    rate.reset();
    return new State[] {before, State.CLOSED};
  }

  private State[] coolDownOver() {
    if (state == State.OPEN && clockMs.getAsLong() >= openUntilMs) {
      state = State.HALF_OPEN;
      trialInFlight = false;
      return new State[] {State.OPEN, State.HALF_OPEN};
    }
    return null;
  }

  private void announce(State[] change) {
    if (change != null) {
      listener.onTransition(change[0], change[1]);
    }
  }
}
