package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.failover.BreakerEffect;
import dev.meridian.core.failover.BreakerStateMachine;
import io.vertx.circuitbreaker.CircuitBreakerState;

/**
 * One endpoint's breaker on this node: core's {@link BreakerStateMachine} (which, unlike Vert.x's
 * breaker, can hear that an attempt proved nothing), reported in the Vert.x Circuit Breaker's state
 * names that metrics and the status page use. Created once per endpoint and kept.
 */
public final class EndpointBreaker {
  private final Endpoint endpoint;
  private final BreakerStateMachine machine;

  EndpointBreaker(Endpoint endpoint, BreakerStateMachine machine) {
    this.endpoint = endpoint;
    this.machine = machine;
  }

  /** A ticket for one attempt, or null when the breaker refuses (open, or half-open with its trial out). */
  public BreakerStateMachine.Ticket admit() {
    return machine.admit();
  }

  /** Settles a ticket this breaker gave: the first settlement counts, later ones are ignored. */
  static void settle(Object ticket, BreakerEffect effect) {
    ((BreakerStateMachine.Ticket) ticket).settle(effect);
  }

  /** A failure after the ticket was settled (a stream that broke mid-way) still counts for the rate. */
  public void recordLateFailure() {
    machine.recordLateFailure();
  }

  public CircuitBreakerState state() {
    return vertxState(machine.state());
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Opens the breaker at once, as a trip would. */
  public void open() {
    machine.forceOpen();
  }

  static CircuitBreakerState vertxState(BreakerStateMachine.State state) {
    return switch (state) {
      case CLOSED -> CircuitBreakerState.CLOSED;
      case OPEN -> CircuitBreakerState.OPEN;
      case HALF_OPEN -> CircuitBreakerState.HALF_OPEN;
    };
  }
}
