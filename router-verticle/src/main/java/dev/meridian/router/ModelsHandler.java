package dev.meridian.router;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.routing.RoutingRules;
import dev.meridian.core.tenancy.ClientKey;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: OpenAI's list and model object, so SDKs work
 * unchanged (see {@link ModelDirectory} for what they hold), or Anthropic's when the request carries
 * {@code anthropic-version}, as Anthropic's SDKs always do.
 */
final class ModelsHandler {
  static final String LIST_PATH = "/v1/models";
  /**
   * The id is the rest of the path: catalog ids may hold slashes ({@code qwen/qwen3-8b}), which a
   * {@code :id} parameter would not match. Vert.x Web URL-decodes the group, so {@code %2F} works too.
   */
  static final String RETRIEVE_REGEX = "/v1/models/(?<id>.+)";

  private final RoutingRules rules;
  private final HealthState health;
  private final LongSupplier wallClockMs;
  private final ModelDirectory directory;

  ModelsHandler(
      RoutingRules rules, HealthState health, HealthPolicy policy, String region, LongSupplier wallClockMs) {
    this.rules = rules;
    this.health = health;
    this.wallClockMs = wallClockMs;
    this.directory = new ModelDirectory(policy, region, wallClockMs.getAsLong() / 1000);
  }

  /** Adds both routes; authentication is the caller's {@code /v1/*} route, mounted before. */
  void mountOn(Router router) {
    router.get(LIST_PATH).handler(this::list);
    router.getWithRegex(RETRIEVE_REGEX).handler(this::retrieve);
  }

  void list(RoutingContext ctx) {
    Catalog catalog = rules.catalog();
    var entries = directory.entries(catalog, health.current(), listedFor(ctx, catalog), wallClockMs.getAsLong());
    reply(ctx, anthropic(ctx) ? ModelDirectory.anthropicList(entries) : ModelDirectory.openAiList(entries, catalog.version()));
  }

  void retrieve(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Catalog catalog = rules.catalog();
    JsonObject entry = directory.find(id, catalog, health.current(), listedFor(ctx, catalog), wallClockMs.getAsLong());
    if (entry == null) {
      // A model the key may not use is as absent as an unknown one: the list does not show it either.
      ErrorResponder.sendFor(ctx.request(), OpenAiError.modelNotFound(id));
      return;
    }
    reply(ctx, anthropic(ctx) ? ModelDirectory.anthropic(entry) : entry);
  }

  private static Predicate<String> listedFor(RoutingContext ctx, Catalog catalog) {
    ClientKey client = ctx.get(AccessControl.CLIENT);
    return name -> client == null || client.mayRequest(name, catalog);
  }

  private static boolean anthropic(RoutingContext ctx) {
    return ctx.request().getHeader("anthropic-version") != null;
  }

  private static void reply(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
  }
}
