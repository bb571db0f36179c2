package dev.meridian.router;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.routing.RouteSelector;
import dev.meridian.core.routing.RoutingRules;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;

/**
 * {@code GET /v1/models}: the OpenAI list shape, so SDKs work unchanged, plus a {@code meridian} object
 * per model with its tier, price and per-region health as this router's region sees it. Tiers and
 * {@code auto} are listed too, since clients may send them as a model.
 */
final class ModelsHandler implements Handler<RoutingContext> {
  private final RoutingRules rules;
  private final HealthState health;
  private final HealthPolicy policy;
  private final String region;
  private final LongSupplier wallClockMs;
  private final long createdEpochSeconds;

  ModelsHandler(
      RoutingRules rules, HealthState health, HealthPolicy policy, String region, LongSupplier wallClockMs) {
    this.rules = rules;
    this.health = health;
    this.policy = policy;
    this.region = region;
    this.wallClockMs = wallClockMs;
    this.createdEpochSeconds = wallClockMs.getAsLong() / 1000;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HealthSnapshot snapshot = health.current();
    Catalog catalog = rules.catalog();
    long now = wallClockMs.getAsLong();
    JsonArray data = new JsonArray();
    // A client sees what its key may ask for, nothing more.
    dev.meridian.core.tenancy.ClientKey client = ctx.get(AccessControl.CLIENT);
    java.util.function.Predicate<String> listed = name -> client == null || client.mayRequest(name, catalog);
    for (ModelSpec model : catalog.models()) {
      if (!listed.test(model.id())) {
        continue;
      }
      JsonArray regions = new JsonArray();
      for (Endpoint endpoint : catalog.endpointsOf(model.id())) {
        EndpointHealth record = snapshot.get(region, model.id(), endpoint.region());
        JsonObject view = new JsonObject().put("region", endpoint.region());
        if (record == null || !record.isFresh(now, policy)) {
          view.put("status", "unobserved");
        } else {
          view.put("status", record.healthy() ? "healthy" : "unhealthy");
          if (Double.isFinite(record.ewmaTtftMs())) {
            view.put("ttft_ms_ewma", Math.round(record.ewmaTtftMs()));
          }
        }
        regions.add(view);
      }
      data.add(
          entry(model.id(), model.provider())
              .put(
                  "meridian",
                  new JsonObject()
                      .put("tier", model.tier().id())
                      .put("family", model.family())
                      .put("capabilities", new JsonArray(model.capabilities().stream().sorted().toList()))
                      .put("context_window", model.contextWindow())
                      .put("input_dollars_per_million", model.inputDollarsPerMillion())
                      .put("output_dollars_per_million", model.outputDollarsPerMillion())
                      .put("observed_from", region)
                      .put("regions", regions)));
    }
    for (Tier tier : Tier.values()) {
      if (!listed.test(tier.id())) {
        continue;
      }
      data.add(entry(tier.id(), "meridian").put("meridian", new JsonObject().put("kind", "tier")));
    }
    if (listed.test(RouteSelector.AUTO)) {
      data.add(entry(RouteSelector.AUTO, "meridian").put("meridian", new JsonObject().put("kind", "auto")));
    }
    ctx.response()
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("object", "list").put("data", data).put("catalog_version", catalog.version()).toBuffer());
  }

  private JsonObject entry(String id, String ownedBy) {
    return new JsonObject()
        .put("id", id)
        .put("object", "model")
        .put("created", createdEpochSeconds)
        .put("owned_by", ownedBy);
  }
}
