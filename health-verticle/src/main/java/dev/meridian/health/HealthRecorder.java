package dev.meridian.health;

import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.ProbeResult;
import java.util.Objects;

/**
 * Folds a probe result into the endpoint's previous record. The previous record comes from the local
 * snapshot, which holds the whole cluster's records: a node taking over an endpoint from one that left
 * continues its rolling window and failure streak instead of starting from scratch.
 */
public final class HealthRecorder {
  private final HealthPolicy policy;

  public HealthRecorder(HealthPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  public EndpointHealth fold(HealthSnapshot snapshot, ProbeResult result) {
    EndpointHealth previous = snapshot.get(result.key());
    if (previous == null) {
      previous = EndpointHealth.unobserved(result.key());
    }
    return previous.record(result, policy);
  }

  public HealthPolicy policy() {
    return policy;
  }
}
