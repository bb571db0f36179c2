package dev.meridian.health;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.health.HealthKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One endpoint as probed from one observer region: what to call and under which key its health is
 * kept. The key string is also the ownership key, so ownership follows the record.
 */
public record ProbeTarget(Endpoint endpoint, HealthKey key) {
  public ProbeTarget {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(key, "key");
  }

  public static ProbeTarget of(String observerRegion, Endpoint endpoint) {
    return new ProbeTarget(
        endpoint, new HealthKey(observerRegion, endpoint.model().id(), endpoint.region()));
  }

  /** Every endpoint of the list as seen from {@code observerRegion}, in the same order. */
  public static List<ProbeTarget> all(String observerRegion, List<Endpoint> endpoints) {
    List<ProbeTarget> targets = new ArrayList<>(endpoints.size());
    for (Endpoint endpoint : endpoints) {
      targets.add(of(observerRegion, endpoint));
    }
    return List.copyOf(targets);
  }

  /** The key rendezvous hashing assigns to a member: {@code observer|model|endpointRegion}. */
  public String ownershipKey() {
    return key.asString();
  }

  @Override
  public String toString() {
    return key.asString();
  }
}
