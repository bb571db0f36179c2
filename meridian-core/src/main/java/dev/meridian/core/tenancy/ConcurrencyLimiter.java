package dev.meridian.core.tenancy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests each client key has in flight on this node, held against its {@link
 * ClientKey#maxConcurrentRequests()}. One instance per node, shared by its router instances (several
 * event loops), so the counts are atomic; no lock is taken.
 *
 * <p>Per node on purpose: a cluster-wide in-flight count would need a remote call per request (and
 * one more per release), so a key may have up to nodes times its limit in flight across the cluster.
 *
 * <p>Every key is counted, limited or not, and by name: a keys reload may change a key's limit (or
 * drop it) while its requests run, and each release must still find the count its acquire raised.
 */
public final class ConcurrencyLimiter {
  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /**
   * Counts one more request of {@code key} unless that would exceed its limit.
   *
   * @return true when admitted: the caller must {@link #release} exactly once when the request ends
   */
  public boolean tryAcquire(ClientKey key) {
    AtomicInteger count = inFlight.get(key.name());
    if (count == null) {
      count = inFlight.computeIfAbsent(key.name(), name -> new AtomicInteger());
    }
    int limit = key.maxConcurrentRequests();
    while (true) {
      int current = count.get();
      if (limit > 0 && current >= limit) {
        return false;
      }
      if (count.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Ends a request admitted by {@link #tryAcquire}; never drops below zero. */
  public void release(ClientKey key) {
    AtomicInteger count = inFlight.get(key.name());
    if (count != null) {
      count.getAndUpdate(current -> current > 0 ? current - 1 : 0);
    }
  }

  /** Requests of the key named {@code name} in flight on this node now. */
  public int inFlight(String name) {
    AtomicInteger count = inFlight.get(name);
    return count == null ? 0 : count.get();
  }
}
