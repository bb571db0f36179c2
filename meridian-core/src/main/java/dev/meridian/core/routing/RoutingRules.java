package dev.meridian.core.routing;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.health.HealthPolicy;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The catalog in force and the selector built on it, swapped whole when the catalog file changes: a
 * request reads {@link #current()} once and routes on one consistent version, however the file moves
 * meanwhile.
 */
public final class RoutingRules {
  /** One version of the rules. */
  public record Version(Catalog catalog, RouteSelector selector, long loadedAtMs) {}

  private final HealthPolicy policy;
  private final AtomicReference<Version> current;

  public RoutingRules(Catalog catalog, HealthPolicy policy) {
    this.policy = policy;
    this.current = new AtomicReference<>(new Version(catalog, new RouteSelector(catalog, policy), System.currentTimeMillis()));
  }

  public Version current() {
    return current.get();
  }

  public Catalog catalog() {
    return current.get().catalog();
  }

  /** Installs an already validated catalog; returns the version it replaced. */
  public Version replace(Catalog catalog) {
    return current.getAndSet(new Version(catalog, new RouteSelector(catalog, policy), System.currentTimeMillis()));
  }
}
