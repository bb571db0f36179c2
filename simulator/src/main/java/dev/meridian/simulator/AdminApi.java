package dev.meridian.simulator;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.openai.OpenAiError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run-time control for tests and demos: faults per endpoint under {@code /admin/faults} and request
 * counters under {@code /admin/stats}. Errors use the OpenAI shape like everything else.
 */
final class AdminApi {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  private static final long MAX_BODY_BYTES = 64 * 1024;

  private final Catalog catalog;
  private final FaultRegistry faults;
  private final SimulatorStats stats;

  AdminApi(Catalog catalog, FaultRegistry faults, SimulatorStats stats) {
    this.catalog = catalog;
    this.faults = faults;
    this.stats = stats;
  }

  void mount(Router router) {
    router.get("/admin/faults").handler(ctx -> Replies.json(ctx.response(), 200, faults.toJson()));
    router.delete("/admin/faults").handler(this::clearAllFaults);
    router.get("/admin/faults/:model/:region").handler(this::getFault);
    router
        .put("/admin/faults/:model/:region")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(this::putFault);
    router.delete("/admin/faults/:model/:region").handler(this::clearFault);
    router.get("/admin/stats").handler(ctx -> Replies.json(ctx.response(), 200, stats.toJson()));
    router.delete("/admin/stats").handler(this::resetStats);
  }

  private void putFault(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    String region = ctx.pathParam("region");
    if (!knownEndpoint(ctx, model, region)) {
      return;
    }
    String body = ctx.body().asString();
    if (body == null || body.isBlank()) {
      Replies.error(ctx.response(), OpenAiError.invalidJson("the body is empty; send e.g. {\"errorRate\":1.0}"));
      return;
    }
    FaultSpec spec;
    try {
      spec = FaultSpec.fromJson(new JsonObject(body));
    } catch (DecodeException | ClassCastException e) {
      Replies.error(ctx.response(), OpenAiError.invalidJson("the body must be a JSON object of fault fields"));
      return;
    } catch (IllegalArgumentException e) {
      Replies.error(
          ctx.response(), OpenAiError.invalidRequest("invalid_fault", "Invalid fault: " + e.getMessage(), null));
      return;
    }
    faults.set(model, region, spec);
    log.info("Faults of {}@{} set to {}", model, region, spec.toJson().encode());
    Replies.json(ctx.response(), 200, endpointFault(model, region));
  }

  private void getFault(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    String region = ctx.pathParam("region");
    if (knownEndpoint(ctx, model, region)) {
      Replies.json(ctx.response(), 200, endpointFault(model, region));
    }
  }

  private void clearFault(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    String region = ctx.pathParam("region");
    if (!knownEndpoint(ctx, model, region)) {
      return;
    }
    boolean cleared = faults.clear(model, region);
    if (cleared) {
      log.info("Faults of {}@{} cleared", model, region);
    }
    Replies.json(
        ctx.response(), 200, new JsonObject().put("endpoint", model + "@" + region).put("cleared", cleared));
  }

  private void clearAllFaults(RoutingContext ctx) {
    int cleared = faults.clearAll();
    log.info("All faults cleared ({} endpoints)", cleared);
    Replies.json(ctx.response(), 200, new JsonObject().put("cleared", cleared));
  }

  private void resetStats(RoutingContext ctx) {
    stats.reset();
    Replies.json(ctx.response(), 200, new JsonObject().put("reset", true));
  }

  private JsonObject endpointFault(String model, String region) {
    return new JsonObject()
        .put("endpoint", model + "@" + region)
        .put("fault", faults.get(model, region).toJson());
  }

  /** Faults are keyed by the catalog's model id and region; anything else is a typo worth a 404. */
  private boolean knownEndpoint(RoutingContext ctx, String model, String region) {
    if (catalog.endpoint(model, region) != null) {
      return true;
    }
    Replies.error(ctx.response(), Replies.unknownEndpoint(model, region));
    return false;
  }
}
