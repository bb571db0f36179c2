package dev.meridian.health;

import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthState;
import io.vertx.core.Future;

/**
 * Where health records are shared: every record published anywhere ends up in every node's local
 * {@link HealthState}, which routers read without waiting.
 */
public interface HealthStore {
  /**
   * Starts listening for records and loads the records that already exist into the local state before
   * completing, so a node that joins a running cluster routes on data from its first request.
   */
  Future<Void> start();

  /** Puts {@code record} into the local state at once and shares it with the other nodes. */
  Future<Void> publish(EndpointHealth record);

  Future<Void> stop();

  /** The node-local state this store keeps current. */
  HealthState state();
}
