package dev.meridian.router;

import java.util.ArrayDeque;

/**
 * Deadlines that all run for the same time, so the order they start in is the order they expire in: a
 * queue swept now and then replaces a timer per request. Starting one is an append and ending one sets
 * a flag; a sweep pops from the head whatever has ended or expired and runs the expiry action of what
 * expired. No timer is scheduled or cancelled per request.
 *
 * <p>An expiry runs up to one sweep interval late. An ended entry stays queued until everything ahead of
 * it has ended or expired, so the queue holds at most the entries started within one timeout (plus a
 * sweep interval); ended ones are a few bytes each, as they drop their action (and with it the request).
 *
 * <p>Not thread-safe: one instance per event loop, started, ended and swept on it.
 */
final class FifoDeadlines {
  private final long timeoutMs;
  private final ArrayDeque<Deadline> queue = new ArrayDeque<>();

  FifoDeadlines(long timeoutMs) {
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeoutMs must be > 0, got " + timeoutMs);
    }
    this.timeoutMs = timeoutMs;
  }

  /** One deadline; {@link #end()} it once what it guards is over. */
  static final class Deadline {
    private final long expiresAtMs;
    /** Null once over: an ended entry queued behind a slow one must not keep its request alive. */
    private Runnable onExpiry;

    private Deadline(long expiresAtMs, Runnable onExpiry) {
      this.expiresAtMs = expiresAtMs;
      this.onExpiry = onExpiry;
    }

    /** What the deadline guarded is over: it will not expire. Idempotent. */
    void end() {
      onExpiry = null;
    }
  }

  Deadline start(long nowMs, Runnable onExpiry) {
    Deadline deadline = new Deadline(nowMs + timeoutMs, onExpiry);
    queue.addLast(deadline);
    return deadline;
  }

  /**
   * Runs the expiry action of every deadline due by {@code nowMs} that has not ended, and forgets those
   * and the ended ones at the head.
   *
   * @return how many expired
   */
  int sweep(long nowMs) {
    int expired = 0;
    Deadline head;
    while ((head = queue.peekFirst()) != null && (head.onExpiry == null || head.expiresAtMs <= nowMs)) {
      queue.pollFirst();
      Runnable action = head.onExpiry;
      if (action != null) {
        head.onExpiry = null;
        expired++;
        action.run();
      }
    }
    return expired;
  }

  /** Entries still queued (running, or ended behind one that is still running). */
  int queued() {
    return queue.size();
  }
}
