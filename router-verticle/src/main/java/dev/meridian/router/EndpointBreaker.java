package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.routing.FailureRateWindow;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One endpoint's breaker on this node: Vert.x's {@link CircuitBreaker} counts failures within a rolling
 * window (the consecutive-failure trip) and runs the open / half-open / closed cycle; a {@link
 * FailureRateWindow} adds the failure-rate trip. Created once per endpoint and kept.
 */
public final class EndpointBreaker {
  private final Endpoint endpoint;
  private final CircuitBreaker breaker;
  private final FailureRateWindow window;
  private final double failureRateThreshold;

  EndpointBreaker(Endpoint endpoint, CircuitBreaker breaker, FailureRateWindow window, double failureRateThreshold) {
    this.endpoint = endpoint;
    this.breaker = breaker;
    this.window = window;
    this.failureRateThreshold = failureRateThreshold;
  }

  /**
   * Asks the breaker to let one attempt through. Returns the verdict to complete when the attempt's
   * outcome is known, or null when the breaker refuses (open, or half-open with its trial in flight).
   */
  public Verdict admit() {
    Promise<Void> outcome = Promise.promise();
    boolean[] admitted = {false};
    Future<Void> reported =
        breaker.execute(
            () -> {
              admitted[0] = true;
              return outcome.future();
            });
    if (!admitted[0] && reported.failed()) {
      return null;
    }
    return new Verdict(outcome);
  }

  /** A failure after the verdict was given (a stream that broke mid-way) still counts for the rate. */
  public void recordLateFailure() {
    window.record(true);
    checkRate();
  }

  public CircuitBreakerState state() {
    return breaker.state();
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  void onClosed() {
    window.reset();
  }

  private void checkRate() {
    if (window.failureRate() >= failureRateThreshold && breaker.state() == CircuitBreakerState.CLOSED) {
      breaker.open();
    }
  }

  /** The outcome of one admitted attempt; the first completion wins, later ones are ignored. */
  public final class Verdict {
    private final Promise<Void> outcome;

    private Verdict(Promise<Void> outcome) {
      this.outcome = outcome;
    }

    public void success() {
      if (outcome.tryComplete()) {
        window.record(false);
      }
    }

    public void failure(String why) {
      if (outcome.tryFail(why)) {
        window.record(true);
        checkRate();
      }
    }

    /** The attempt ended without telling anything about the endpoint (client left, hedge lost). */
    public void neutral() {
      outcome.tryComplete();
    }
  }
}
