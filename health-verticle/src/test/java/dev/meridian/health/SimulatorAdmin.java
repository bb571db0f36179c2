package dev.meridian.health;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.simulator.SimulatorOptions;
import dev.meridian.simulator.SimulatorVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A simulator deployed on a random port, driven through its HTTP admin API like an operator would. */
final class SimulatorAdmin {
  final SimulatorVerticle simulator;
  private final WebClient client;

  private SimulatorAdmin(Vertx vertx, SimulatorVerticle simulator) {
    this.simulator = simulator;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(simulator.actualPort()));
  }

  static Future<SimulatorAdmin> deploy(Vertx vertx, Catalog catalog, SimulatorOptions options) {
    SimulatorVerticle simulator = new SimulatorVerticle(catalog, new SimulatorOptions(options).setPort(0));
    return vertx.deployVerticle(simulator).map(id -> new SimulatorAdmin(vertx, simulator));
  }

  Future<Void> fault(String model, String region, JsonObject spec) {
    return client
        .put("/admin/faults/" + model + "/" + region)
        .sendJsonObject(spec)
        .compose(SimulatorAdmin::expectOk);
  }

  Future<Void> clearFault(String model, String region) {
    return client.delete("/admin/faults/" + model + "/" + region).send().compose(SimulatorAdmin::expectOk);
  }

  /** {@code /admin/stats} of one endpoint ({@code model@region}), empty when it saw no request. */
  Future<JsonObject> stats(String endpoint) {
    return client
        .get("/admin/stats")
        .send()
        .map(response -> {
          JsonObject all = response.bodyAsJsonObject();
          JsonObject one = all.getJsonObject("endpoints", all).getJsonObject(endpoint);
          return one == null ? new JsonObject() : one;
        });
  }

  private static Future<Void> expectOk(HttpResponse<?> response) {
    return response.statusCode() == 200
        ? Future.succeededFuture()
        : Future.failedFuture("admin API answered " + response.statusCode() + ": " + response.bodyAsString());
  }
}
