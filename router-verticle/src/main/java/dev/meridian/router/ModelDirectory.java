package dev.meridian.router;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.routing.ChainStep;
import dev.meridian.core.routing.ModelAliases;
import dev.meridian.core.routing.RouteSelector;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * What a client may send as {@code model}: catalog models, tiers, {@code auto} and aliases, each as an OpenAI
 * model object with a {@code meridian} object (tier, price, per-region health as this region sees it),
 * or in Anthropic's shape. Plain JSON building, no Vert.x Web, so it is tested without a server.
 */
final class ModelDirectory {
  private final HealthPolicy policy;
  private final String region;
  private final long createdEpochSeconds;

  /** @param createdEpochSeconds the {@code created} of every entry: the catalog carries no release dates */
  ModelDirectory(HealthPolicy policy, String region, long createdEpochSeconds) {
    this.policy = policy;
    this.region = region;
    this.createdEpochSeconds = createdEpochSeconds;
  }

  /** Every name {@code listed} admits (a client sees what its key may ask for), models first. */
  List<JsonObject> entries(Catalog catalog, HealthSnapshot snapshot, Predicate<String> listed, long nowMs) {
    List<JsonObject> entries = new ArrayList<>();
    for (ModelSpec model : catalog.models()) {
      if (listed.test(model.id())) {
        entries.add(modelEntry(catalog, model, snapshot, nowMs));
      }
    }
    for (Tier tier : Tier.values()) {
      if (listed.test(tier.id())) {
        entries.add(tierEntry(tier));
      }
    }
    if (listed.test(RouteSelector.AUTO)) {
      entries.add(autoEntry());
    }
    for (ModelAliases.Alias alias : catalog.aliases().all()) {
      if (listed.test(alias.pattern())) {
        entries.add(aliasEntry(alias.pattern(), alias));
      }
    }
    return entries;
  }

  /**
   * The entry {@code id} names, as routing resolves it (a model exactly, a tier or {@code auto} in any
   * case); null when nothing has that name or {@code listed} hides it.
   */
  JsonObject find(String id, Catalog catalog, HealthSnapshot snapshot, Predicate<String> listed, long nowMs) {
    ModelSpec model = catalog.model(id);
    if (model != null) {
      return listed.test(model.id()) ? modelEntry(catalog, model, snapshot, nowMs) : null;
    }
    Tier tier = Tier.fromId(id);
    if (tier != null) {
      return listed.test(tier.id()) ? tierEntry(tier) : null;
    }
    if (RouteSelector.AUTO.equals(id.toLowerCase(Locale.ROOT))) {
      return listed.test(RouteSelector.AUTO) ? autoEntry() : null;
    }
    ModelAliases.Alias alias = catalog.aliases().resolve(id);
    return alias != null && listed.test(id) ? aliasEntry(id, alias) : null;
  }

  static JsonObject openAiList(List<JsonObject> entries, String catalogVersion) {
    return new JsonObject()
        .put("object", "list")
        .put("data", new JsonArray(new ArrayList<>(entries)))
        .put("catalog_version", catalogVersion);
  }

  /** Anthropic's list: one page holding everything, so {@code has_more} is always false. */
  static JsonObject anthropicList(List<JsonObject> entries) {
    JsonArray data = new JsonArray();
    entries.forEach(entry -> data.add(anthropic(entry)));
    return new JsonObject()
        .put("data", data)
        .put("has_more", false)
        .put("first_id", entries.isEmpty() ? null : entries.get(0).getString("id"))
        .put("last_id", entries.isEmpty() ? null : entries.get(entries.size() - 1).getString("id"));
  }

  /** Anthropic's ModelInfo for an OpenAI-shaped entry; the {@code meridian} object rides along. */
  static JsonObject anthropic(JsonObject openAiEntry) {
    JsonObject meridian = openAiEntry.getJsonObject("meridian");
    String id = openAiEntry.getString("id");
    String kind = meridian.getString("kind", "model");
    String displayName = switch (kind) {
      case "tier" -> "Meridian " + id + " tier";
      case "auto" -> "Meridian auto (cheapest fitting tier)";
      case "alias" -> "Meridian alias " + meridian.getString("alias");
      default -> id;
    };
    return new JsonObject()
        .put("type", "model")
        .put("id", id)
        .put("display_name", displayName)
        .put("created_at", Instant.ofEpochSecond(openAiEntry.getLong("created")).toString())
        .put("meridian", meridian);
  }

  private JsonObject modelEntry(Catalog catalog, ModelSpec model, HealthSnapshot snapshot, long nowMs) {
    JsonArray regions = new JsonArray();
    for (Endpoint endpoint : catalog.endpointsOf(model.id())) {
      EndpointHealth record = snapshot.get(region, model.id(), endpoint.region());
      JsonObject view = new JsonObject().put("region", endpoint.region());
      if (record == null || !record.isFresh(nowMs, policy)) {
        view.put("status", "unobserved");
      } else {
        view.put("status", record.healthy() ? "healthy" : "unhealthy");
        if (Double.isFinite(record.ewmaTtftMs())) {
          view.put("ttft_ms_ewma", Math.round(record.ewmaTtftMs()));
        }
      }
      regions.add(view);
    }
    JsonObject meridian = new JsonObject().put("kind", model.kind().id());
    if (model.embedding() != null) {
      meridian.put("embedding", new JsonObject()
          .put("dimensions", model.embedding().dimensions())
          .put("allowed_dimensions", new JsonArray(model.embedding().allowedDimensions()))
          .put("max_inputs", model.embedding().maxInputs()));
    }
    return entry(model.id(), model.provider())
        .put(
            "meridian",
            meridian
                .put("tier", model.tier().id())
                .put("family", model.family())
                .put("capabilities", new JsonArray(model.capabilities().stream().sorted().toList()))
                .put("context_window", model.contextWindow())
                .put("input_dollars_per_million", model.inputDollarsPerMillion())
                .put("output_dollars_per_million", model.outputDollarsPerMillion())
                .put("observed_from", region)
                .put("regions", regions));
  }

  private JsonObject tierEntry(Tier tier) {
    return entry(tier.id(), "meridian").put("meridian", new JsonObject().put("kind", "tier"));
  }

  /**
   * An alias as the name {@code id} (the pattern itself in the list, the name asked for on a lookup):
   * what it routes as, or its chain's steps with their models.
   */
  private JsonObject aliasEntry(String id, ModelAliases.Alias alias) {
    JsonObject meridian = new JsonObject().put("kind", "alias").put("alias", alias.pattern());
    if (alias.target() != null) {
      meridian.put("routes_as", alias.target());
    } else {
      JsonArray steps = new JsonArray();
      for (ChainStep step : alias.steps()) {
        JsonObject view = new JsonObject().put("models", new JsonArray(step.models()));
        if (!Double.isNaN(step.maxTtftMs())) {
          view.put("max_ttft_ms", step.maxTtftMs());
        }
        if (!Double.isNaN(step.minTokensPerSecond())) {
          view.put("min_tokens_per_second", step.minTokensPerSecond());
        }
        steps.add(view);
      }
      meridian.put("steps", steps);
    }
    return entry(id, "meridian").put("meridian", meridian);
  }

  private JsonObject autoEntry() {
    return entry(RouteSelector.AUTO, "meridian").put("meridian", new JsonObject().put("kind", "auto"));
  }

  private JsonObject entry(String id, String ownedBy) {
    return new JsonObject()
        .put("id", id)
        .put("object", "model")
        .put("created", createdEpochSeconds)
        .put("owned_by", ownedBy);
  }
}
