package dev.meridian.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling on a Vert.x timer: no sleeping test threads. */
final class Await {
  private Await() {}

  static Future<Void> until(Vertx vertx, long timeoutMs, BooleanSupplier condition) {
    return until(vertx, timeoutMs, condition, () -> "condition");
  }

  static Future<Void> until(Vertx vertx, long timeoutMs, BooleanSupplier condition, Supplier<String> what) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    // One-shot timers, re-armed: cancelling a periodic timer from its own first run (1 ms after it is
    // set) raced Vert.x's own bookkeeping and failed with a NullPointerException on a busy machine.
    poll(vertx, deadline, timeoutMs, condition, what, done, 1);
    return done.future();
  }

  private static void poll(Vertx vertx, long deadline, long timeoutMs, BooleanSupplier condition, Supplier<String> what,
      Promise<Void> done, long delayMs) {
    vertx.setTimer(delayMs, id -> {
      if (condition.getAsBoolean()) {
        done.tryComplete();
      } else if (System.nanoTime() > deadline) {
        done.tryFail(new TimeoutException("timed out after " + timeoutMs + " ms waiting for " + what.get()));
      } else {
        poll(vertx, deadline, timeoutMs, condition, what, done, 20);
      }
    });
  }
}
