package dev.meridian.health;

import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthState;
import io.vertx.core.Future;
import java.util.Objects;

/** A single node's store: the local state is all there is. */
public final class LocalHealthStore implements HealthStore {
  private final HealthState state;

  public LocalHealthStore(HealthState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publish(EndpointHealth record) {
    state.put(record);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return Future.succeededFuture();
  }

  @Override
  public HealthState state() {
    return state;
  }
}
