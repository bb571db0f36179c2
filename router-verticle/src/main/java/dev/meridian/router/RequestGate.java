package dev.meridian.router;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node-wide count of chat requests in flight, and the switch that drains them on shutdown: once
 * closing, readiness fails (the load balancer stops sending) and new requests get a 503 with
 * Retry-After, while streams already running finish.
 */
public final class RequestGate {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean closing = new AtomicBoolean();

  boolean tryEnter() {
    if (closing.get()) {
      return false;
    }
    inFlight.incrementAndGet();
    return true;
  }

  void leave() {
    inFlight.decrementAndGet();
  }

  public void close() {
    closing.set(true);
  }

  public boolean isClosing() {
    return closing.get();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
