package dev.meridian.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs probes with at most {@code maxInFlight} at once; the rest wait in a FIFO queue. A key that is
 * already queued or in flight is refused, so one slow endpoint is never probed twice at the same time
 * (a probe deadline longer than the interval would otherwise stack them up).
 *
 * <p>Confined to one event loop (the verticle's): no locks, every call and every task completion must
 * happen on that thread.
 */
public final class ProbeLimiter {
  /** Refusal of a key already queued or in flight; frequent and expected, so without a stack trace. */
  public static final class AlreadyPendingException extends RuntimeException {
    static final AlreadyPendingException INSTANCE = new AlreadyPendingException();

    private AlreadyPendingException() {
      super("a probe of this endpoint is already queued or in flight", null, false, false);
    }
  }

  private record Task<R>(String key, Supplier<Future<R>> work, Promise<R> promise) {
    void start(ProbeLimiter limiter) {
      Future<R> future;
      try {
        future = work.get();
      } catch (RuntimeException e) {
        future = Future.failedFuture(e);
      }
      future.onComplete(
          result -> {
            limiter.finished(key);
            promise.handle(result);
          });
    }
  }

  private final int maxInFlight;
  private final Queue<Task<?>> waiting = new ArrayDeque<>();
  private final Set<String> pending = new HashSet<>();
  private int inFlight;

  public ProbeLimiter(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1");
    }
    this.maxInFlight = maxInFlight;
  }

  /**
   * Starts {@code work} now or when a place frees up. The returned future carries the work's outcome,
   * or fails with {@link AlreadyPendingException} when {@code key} is already queued or in flight.
   */
  public <R> Future<R> submit(String key, Supplier<Future<R>> work) {
    if (!pending.add(key)) {
      return Future.failedFuture(AlreadyPendingException.INSTANCE);
    }
    Task<R> task = new Task<>(key, work, Promise.promise());
    if (inFlight < maxInFlight) {
      inFlight++;
      task.start(this);
    } else {
      waiting.add(task);
    }
    return task.promise().future();
  }

  private void finished(String key) {
    pending.remove(key);
    Task<?> next = waiting.poll();
    if (next == null) {
      inFlight--;
    } else {
      next.start(this);
    }
  }

  public int inFlight() {
    return inFlight;
  }

  public int queued() {
    return waiting.size();
  }

  public boolean isPending(String key) {
    return pending.contains(key);
  }
}
