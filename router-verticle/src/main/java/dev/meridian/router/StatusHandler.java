package dev.meridian.router;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Region;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.routing.EndpointBlocklist;
import dev.meridian.core.routing.RoutePlan;
import dev.meridian.core.routing.RouteSelector;
import dev.meridian.core.routing.RoutingRules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /status.json}: what the status page draws, as this router sees it now: the model × region
 * matrix (health, TTFT, breaker, blocks), the current route of every tier and of {@code auto}, and
 * requests and dollars so far. Everything comes from local state; nothing here calls the cluster.
 */
final class StatusHandler implements Handler<RoutingContext> {
  private final RoutingRules rules;
  private final HealthState health;
  private final HealthPolicy policy;
  private final ResilienceState resilience;
  private final String region;
  private final MeterRegistry registry;
  private final AccessControl access;

  StatusHandler(
      AccessControl access,
      RoutingRules rules,
      HealthState health,
      HealthPolicy policy,
      ResilienceState resilience,
      String region,
      MeterRegistry registry) {
    this.rules = rules;
    this.health = health;
    this.policy = policy;
    this.resilience = resilience;
    this.region = region;
    this.registry = registry;
    this.access = access;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long now = System.currentTimeMillis();
    RoutingRules.Version version = rules.current();
    Catalog catalog = version.catalog();
    RouteSelector selector = version.selector();
    HealthSnapshot snapshot = health.current();
    EndpointBlocklist blocklist = resilience.blocklist();
    JsonArray regions = new JsonArray();
    for (Region r : catalog.regions()) {
      regions.add(new JsonObject().put("id", r.id()).put("name", r.displayName()));
    }
    JsonArray models = new JsonArray();
    // Grouped by tier for the page (stable: catalog order within a tier); embedding models join their price tier.
    java.util.List<ModelSpec> byTier = new java.util.ArrayList<>(catalog.models());
    byTier.sort(java.util.Comparator.comparing(ModelSpec::tier));
    for (ModelSpec model : byTier) {
      JsonObject cells = new JsonObject();
      for (Endpoint endpoint : catalog.endpointsOf(model.id())) {
        cells.put(endpoint.region(), cell(endpoint, snapshot.get(region, model.id(), endpoint.region()), blocklist, now));
      }
      models.add(
          new JsonObject()
              .put("id", model.id())
              .put("provider", model.provider())
              .put("tier", model.tier().id())
              .put("kind", model.kind().id())
              .put("outputDollarsPerMillion", model.outputDollarsPerMillion())
              .put("cells", cells));
    }
    JsonObject routes = new JsonObject();
    for (Tier tier : Tier.values()) {
      routes.put(tier.id(), route(selector, tier.id(), snapshot, blocklist, now));
    }
    routes.put(RouteSelector.AUTO, route(selector, RouteSelector.AUTO, snapshot, blocklist, now));
    JsonObject body =
        new JsonObject()
            .put("region", region)
            .put("catalogVersion", catalog.version())
            .put("catalogLoadedAtMs", version.loadedAtMs())
            .put("generatedAtMs", now)
            .put("regions", regions)
            .put("models", models)
            .put("routes", routes)
            .put("totals", totals())
            .put("clients", clients(now));
    ctx.response()
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body.toBuffer());
  }

  /** Per client key (names only, never keys or hashes): this minute's use and the budget spent. */
  private JsonArray clients(long now) {
    JsonArray clients = new JsonArray();
    if (access == null || access.isOpen()) {
      return clients;
    }
    java.util.Map<String, Integer> concurrencyLimits = new java.util.HashMap<>();
    for (dev.meridian.core.tenancy.ClientKey configured : access.keys().keys()) {
      concurrencyLimits.put(configured.name(), configured.maxConcurrentRequests());
    }
    for (dev.meridian.core.tenancy.UsageLimiter.KeyStatus key : access.limiter().status(now)) {
      clients.add(new JsonObject()
          .put("name", key.name())
          .put("maxConcurrentRequests", concurrencyLimits.getOrDefault(key.name(), 0))
          .put("inFlightHere", access.concurrency().inFlight(key.name()))
          .put("requestsPerMinute", key.requestsPerMinute())
          .put("requestsThisMinute", key.requestsThisMinute())
          .put("allowanceHere", key.allowanceHere())
          .put("tokensPerMinute", key.tokensPerMinute())
          .put("tokensThisMinute", key.tokensThisMinute())
          .put("budgetDollars", key.budgetDollars())
          .put("budgetPeriod", key.budgetPeriod())
          .put("spentDollars", key.spentDollars()));
    }
    return clients;
  }

  private JsonObject cell(Endpoint endpoint, EndpointHealth record, EndpointBlocklist blocklist, long now) {
    JsonObject cell = new JsonObject();
    if (record == null || !record.isFresh(now, policy)) {
      cell.put("status", "unobserved");
    } else {
      cell.put("status", record.healthy() ? "healthy" : "unhealthy");
      putRounded(cell, "ttftMs", record.ewmaTtftMs());
      putRounded(cell, "ttftP99Ms", record.ttftP99Ms());
      putRounded(cell, "tokensPerSecond", record.ewmaTokensPerSecond());
      cell.put("ageMs", now - record.lastObservedAtMs());
      if (record.lastError() != null) {
        cell.put("lastError", record.lastError());
      }
    }
    EndpointBreaker breaker = resilience.breakers().get(endpoint.id());
    cell.put("breaker", breaker == null ? "CLOSED" : breaker.state().name());
    EndpointBlocklist.Block block = blocklist.blockAt(endpoint.id(), now);
    if (block != null) {
      cell.put("blocked", block.reason().name()).put("blockedForMs", block.untilMs() - now);
    }
    return cell;
  }

  private JsonObject route(RouteSelector selector, String name, HealthSnapshot snapshot, EndpointBlocklist blocklist, long now) {
    try {
      RoutePlan plan = selector.select(name, region, snapshot, blocklist, now);
      Endpoint primary = plan.primary().endpoint();
      return new JsonObject()
          .put("model", primary.model().id())
          .put("region", primary.region())
          .put("expectedTtftMs", Math.round(plan.primary().expectedTtftMs()))
          .put("observed", plan.primary().observed())
          .put("candidates", plan.candidates().size())
          .put("reason", plan.reason());
    } catch (OpenAiException e) {
      return new JsonObject().put("error", e.error().code());
    }
  }

  private JsonObject totals() {
    double requests = 0;
    double dollars = 0;
    if (registry != null) {
      for (Counter counter : registry.find("meridian.requests").counters()) {
        requests += counter.count();
      }
      for (Counter counter : registry.find("meridian.cost.dollars").counters()) {
        dollars += counter.count();
      }
    }
    return new JsonObject().put("requests", Math.round(requests)).put("costDollars", dollars);
  }

  private static void putRounded(JsonObject json, String field, double value) {
    if (Double.isFinite(value)) {
      json.put(field, Math.round(value * 10) / 10.0);
    }
  }
}
