package dev.meridian.simulator;

import dev.meridian.core.catalog.Catalog;

/** Points a catalog at a running simulator. */
public final class SimulatedProviders {
  private SimulatedProviders() {}

  /**
   * A copy of {@code catalog} whose every provider, in every region, is served by the simulator at
   * {@code host:port}: {@code http://host:port/<region>/<provider>/v1}, the shape the simulator routes.
   */
  public static Catalog pointAt(Catalog catalog, String host, int port) {
    return catalog.withBaseUrls(
        (provider, region) ->
            "http://" + host + ":" + port + "/" + region + "/" + provider.id() + "/v1");
  }

  /** Same, for a simulator deployed in this JVM. */
  public static Catalog pointAt(Catalog catalog, SimulatorVerticle simulator, String host) {
    return pointAt(catalog, host, simulator.actualPort());
  }
}
