package dev.meridian.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs probes with at most {@code maxInFlight} at once per group (the endpoint's region); the rest of a
 * group wait in its FIFO queue. Groups do not share places: probes of a region cut off by a partition
 * hold theirs until their timeout, and must not starve the probes of reachable regions, whose records
 * would otherwise go stale and drop out of routing. A key that is
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

  private record Task<R>(String group, String key, Supplier<Future<R>> work, Promise<R> promise) {
    void start(ProbeLimiter limiter) {
      Future<R> future;
      try {
        future = work.get();
      } catch (RuntimeException e) {
        future = Future.failedFuture(e);
      }
      future.onComplete(
          result -> {
            limiter.finished(group, key);
            promise.handle(result);
          });
    }
  }

  private final int maxInFlight;
  /** One group's places in use and its queue. */
  private static final class Group {
    final Queue<Task<?>> waiting = new ArrayDeque<>();
    int inFlight;
  }

  private final java.util.Map<String, Group> groups = new java.util.HashMap<>();
  private final Set<String> pending = new HashSet<>();

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
    return submit("", key, work);
  }

  /** As {@link #submit(String, Supplier)}, within {@code group}'s own places. */
  public <R> Future<R> submit(String group, String key, Supplier<Future<R>> work) {
    if (!pending.add(key)) {
      return Future.failedFuture(AlreadyPendingException.INSTANCE);
    }
    Task<R> task = new Task<>(group, key, work, Promise.promise());
    Group places = groups.computeIfAbsent(group, g -> new Group());
    if (places.inFlight < maxInFlight) {
      places.inFlight++;
      task.start(this);
    } else {
      places.waiting.add(task);
    }
    return task.promise().future();
  }

  private void finished(String group, String key) {
    pending.remove(key);
    Group places = groups.get(group);
    Task<?> next = places.waiting.poll();
    if (next == null) {
      places.inFlight--;
    } else {
      next.start(this);
    }
  }

  public int inFlight() {
    int total = 0;
    for (Group group : groups.values()) {
      total += group.inFlight;
    }
    return total;
  }

  public int queued() {
    int total = 0;
    for (Group group : groups.values()) {
      total += group.waiting.size();
    }
    return total;
  }

  public boolean isPending(String key) {
    return pending.contains(key);
  }
}
