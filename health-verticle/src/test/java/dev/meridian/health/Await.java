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
    vertx.setPeriodic(1, 20, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.tryFail(new TimeoutException("timed out after " + timeoutMs + " ms waiting for " + what.get()));
      }
    });
    return done.future();
  }
}
