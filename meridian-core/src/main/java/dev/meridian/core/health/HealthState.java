package dev.meridian.core.health;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The node-local holder of the current {@link HealthSnapshot}. Cluster events and local probes write
 * into it; routers only call {@link #current()}, which never blocks and never leaves the JVM.
 */
public final class HealthState {
  private final AtomicReference<HealthSnapshot> current = new AtomicReference<>(HealthSnapshot.EMPTY);

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

  /** Like {@link #put} for each record, in one snapshot change (a joining node loads thousands). */
  public void putAll(Collection<EndpointHealth> records) {
    update(snapshot -> snapshot.withAllNewer(records));
  }

  public void remove(HealthKey key) {
    update(snapshot -> snapshot.without(key));
  }

  private void update(UnaryOperator<HealthSnapshot> change) {
    current.updateAndGet(change);
  }
}
