package dev.meridian.core.health;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The node-local holder of the current {@link HealthSnapshot}. Cluster events and local probes write
 * into it; routers only call {@link #current()}, which never blocks and never leaves the JVM.
 *
 * <p>Two ways in: {@link #putLocal} for what this node's own probes found, and {@link #putFromPeer} for
 * records other members wrote to the cluster. A peer's record is checked ({@link PeerHealthRecords})
 * and never replaces a record this node observed itself within the last {@code localPrecedenceMs}: a
 * member that keeps rewriting a key cannot override the evidence of the node that probes it.
 */
public final class HealthState {
  /** The default probe interval (30 s) plus the allowed clock skew: one round of local evidence. */
  public static final long DEFAULT_LOCAL_PRECEDENCE_MS = 30_000 + PeerHealthRecords.MAX_CLOCK_SKEW_MS;

  private final AtomicReference<HealthSnapshot> current = new AtomicReference<>(HealthSnapshot.EMPTY);
  /** Keys this node probed, with when (this node's clock). Bounded by the endpoints it probes. */
  private final Map<HealthKey, Long> localEvidenceAtMs = new ConcurrentHashMap<>();
  private final long localPrecedenceMs;

  public HealthState() {
    this(DEFAULT_LOCAL_PRECEDENCE_MS);
  }

  /** @param localPrecedenceMs how long this node's own observation of a key outranks peers' records */
  public HealthState(long localPrecedenceMs) {
    if (localPrecedenceMs < 0) {
      throw new IllegalArgumentException("localPrecedenceMs must be >= 0");
    }
    this.localPrecedenceMs = localPrecedenceMs;
  }

  public HealthSnapshot current() {
    return current.get();
  }

  /** Stores a record unless the snapshot already holds a newer observation of the same key. */
  public void put(EndpointHealth record) {
    update(
        snapshot -> {
          EndpointHealth existing = snapshot.get(record.key());
          if (existing != null && existing.lastObservedAtMs() > record.lastObservedAtMs()) {
            return snapshot;
          }
          return snapshot.with(record);
        });
  }

  /** Stores what this node's own probe produced, and remembers that it has fresh evidence for the key. */
  public void putLocal(EndpointHealth record, long nowMs) {
    localEvidenceAtMs.put(record.key(), nowMs);
    update(snapshot -> snapshot.with(record));
  }

  /**
   * Stores a record another member wrote, received at {@code nowMs}, when it passes {@link
   * PeerHealthRecords#problem} and this node has no fresh evidence of its own for the key.
   *
   * @return null when stored (or older than what is held), otherwise why it was not
   */
  public String putFromPeer(EndpointHealth record, long nowMs) {
    String problem = PeerHealthRecords.problem(record, nowMs);
    if (problem != null) {
      return problem;
    }
    Long localAt = localEvidenceAtMs.get(record.key());
    if (localAt != null && nowMs - localAt < localPrecedenceMs) {
      return "this node probed the endpoint itself within " + localPrecedenceMs + " ms";
    }
    put(record);
    return null;
  }

  /** Like {@link #put} for each record, in one snapshot change (a joining node loads thousands). */
  public void putAll(Collection<EndpointHealth> records) {
    update(snapshot -> snapshot.withAllNewer(records));
  }

  public void remove(HealthKey key) {
    update(snapshot -> snapshot.without(key));
  }

  /** A peer removed the key: forgotten here too, unless this node has fresh evidence of its own. */
  public boolean removeFromPeer(HealthKey key, long nowMs) {
    Long localAt = localEvidenceAtMs.get(key);
    if (localAt != null && nowMs - localAt < localPrecedenceMs) {
      return false;
    }
    remove(key);
    return true;
  }

  private void update(UnaryOperator<HealthSnapshot> change) {
    current.updateAndGet(change);
  }
}
