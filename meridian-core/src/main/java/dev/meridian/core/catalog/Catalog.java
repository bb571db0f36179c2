package dev.meridian.core.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The immutable set of regions, providers, models and the endpoints they form. Built by {@link
 * CatalogLoader}; validated on construction so a bad file is rejected before it is used.
 */
public final class Catalog {
  private final String version;
  private final Map<String, Region> regions;
  private final Map<String, Provider> providers;
  private final Map<String, ModelSpec> models;
  private final Map<String, List<Endpoint>> endpointsByModel;
  private final Map<Tier, List<ModelSpec>> modelsByTier;
  private final List<Endpoint> endpoints;
  private final dev.meridian.core.routing.FallbackChains fallbacks;
  private final dev.meridian.core.routing.Classifier classifier;
  private final dev.meridian.core.routing.ModelAliases aliases;

  public Catalog(
      String version, List<Region> regions, List<Provider> providers, List<ModelSpec> models) {
    this(version, regions, providers, models, dev.meridian.core.routing.FallbackChains.NONE);
  }

  public Catalog(
      String version,
      List<Region> regions,
      List<Provider> providers,
      List<ModelSpec> models,
      dev.meridian.core.routing.FallbackChains fallbacks) {
    this(version, regions, providers, models, fallbacks, dev.meridian.core.routing.Classifier.defaults());
  }

  public Catalog(
      String version,
      List<Region> regions,
      List<Provider> providers,
      List<ModelSpec> models,
      dev.meridian.core.routing.FallbackChains fallbacks,
      dev.meridian.core.routing.Classifier classifier) {
    this(version, regions, providers, models, fallbacks, classifier, dev.meridian.core.routing.ModelAliases.NONE);
  }

  public Catalog(
      String version,
      List<Region> regions,
      List<Provider> providers,
      List<ModelSpec> models,
      dev.meridian.core.routing.FallbackChains fallbacks,
      dev.meridian.core.routing.Classifier classifier,
      dev.meridian.core.routing.ModelAliases aliases) {
    this.version = version == null ? "unversioned" : version;
    this.regions = index(regions, Region::id, "region");
    this.providers = index(providers, Provider::id, "provider");
    this.models = index(models, ModelSpec::id, "model");
    if (this.regions.isEmpty()) {
      throw new CatalogException("catalog lists no regions");
    }
    if (this.models.isEmpty()) {
      throw new CatalogException("catalog lists no models");
    }

    Map<String, List<Endpoint>> byModel = new LinkedHashMap<>();
    List<Endpoint> all = new ArrayList<>();
    Map<Tier, List<ModelSpec>> byTier = new EnumMap<>(Tier.class);
    for (ModelSpec model : models) {
      Provider provider = this.providers.get(model.provider());
      if (provider == null) {
        throw new CatalogException(
            "model '" + model.id() + "' names unknown provider '" + model.provider() + "'");
      }
      if (model.regions().isEmpty()) {
        throw new CatalogException("model '" + model.id() + "' is served in no region");
      }
      List<Endpoint> modelEndpoints = new ArrayList<>();
      Set<String> servedRegions = new HashSet<>();
      for (String region : model.regions()) {
        if (!this.regions.containsKey(region)) {
          throw new CatalogException(
              "model '" + model.id() + "' names unknown region '" + region + "'");
        }
        if (!servedRegions.add(region)) {
          throw new CatalogException(
              "model '" + model.id() + "' lists region '" + region + "' twice");
        }
        String baseUrl = provider.baseUrl(region);
        if (baseUrl == null || baseUrl.isBlank()) {
          throw new CatalogException(
              "provider '" + provider.id() + "' has no base URL in region '" + region
                  + "', which model '" + model.id() + "' is served from");
        }
        modelEndpoints.add(new Endpoint(model, provider, region, stripTrailingSlash(baseUrl)));
      }
      byModel.put(model.id(), List.copyOf(modelEndpoints));
      all.addAll(modelEndpoints);
      if (model.kind() == ModelKind.CHAT) {
        // Tiers and auto stand for "an answer at this price": only chat models give one.
        byTier.computeIfAbsent(model.tier(), t -> new ArrayList<>()).add(model);
      }
    }
    for (Tier tier : Tier.values()) {
      byTier.computeIfPresent(tier, (t, list) -> List.copyOf(list));
    }
    this.endpointsByModel = Collections.unmodifiableMap(byModel);
    this.modelsByTier = Collections.unmodifiableMap(byTier);
    this.endpoints = List.copyOf(all);
    this.fallbacks = fallbacks;
    this.classifier = classifier;
    this.aliases = aliases;
    validateFallbacks();
    validateAliases();
  }

  /** Aliases route chat requests only, to names and models that exist, and never hide a real name. */
  private void validateAliases() {
    for (dev.meridian.core.routing.ModelAliases.Alias alias : aliases.all()) {
      String where = "alias '" + alias.pattern() + "'";
      if (!alias.pattern().contains("*") && (models.containsKey(alias.pattern()) || isTierOrAuto(alias.pattern()))) {
        throw new CatalogException(where + " is already a model, tier or auto: it would never be used");
      }
      if (alias.target() != null) {
        ModelSpec target = models.get(alias.target());
        if (target == null && !isTierOrAuto(alias.target())) {
          throw new CatalogException(where + " targets '" + alias.target() + "': not a model, tier or auto");
        }
        if (target != null && target.kind() != ModelKind.CHAT) {
          throw new CatalogException(where + " targets " + target.kind().id() + " model '" + alias.target()
              + "': aliases stand for chat models");
        }
      }
      for (dev.meridian.core.routing.ChainStep step : alias.steps()) {
        for (String model : step.models()) {
          ModelSpec listed = models.get(model);
          if (listed == null || listed.kind() != ModelKind.CHAT) {
            throw new CatalogException(where + " names " + (listed == null ? "unknown" : listed.kind().id())
                + " model '" + model + "': aliases stand for chat models");
          }
        }
      }
    }
  }

  private static boolean isTierOrAuto(String name) {
    return Tier.fromId(name) != null || dev.meridian.core.routing.RouteSelector.AUTO.equalsIgnoreCase(name);
  }

  /** Names agents send (glob patterns) and how they route; empty when the catalog has none. */
  public dev.meridian.core.routing.ModelAliases aliases() {
    return aliases;
  }

  private void validateFallbacks() {
    fallbacks.all().forEach((name, steps) -> {
      if (!models.containsKey(name) && Tier.fromId(name) == null) {
        throw new CatalogException("fallback chain for '" + name + "': not a model or tier id");
      }
      if (steps.isEmpty()) {
        throw new CatalogException("fallback chain for '" + name + "' is empty");
      }
      ModelSpec owner = models.get(name);
      ModelKind kind = owner == null ? ModelKind.CHAT : owner.kind();
      for (dev.meridian.core.routing.ChainStep step : steps) {
        for (String model : step.models()) {
          ModelSpec listed = models.get(model);
          if (listed == null) {
            throw new CatalogException(
                "fallback chain for '" + name + "' names unknown model '" + model + "'");
          }
          if (listed.kind() != kind) {
            throw new CatalogException(
                "fallback chain for '" + name + "' (" + kind.id() + ") names " + listed.kind().id()
                    + " model '" + model + "': a fallback must answer the same kind of request");
          }
        }
      }
    });
  }

  /** The rules that class requests for {@code auto}. */
  public dev.meridian.core.routing.Classifier classifier() {
    return classifier;
  }

  /** Configured fallback chains by model or tier id. */
  public dev.meridian.core.routing.FallbackChains fallbacks() {
    return fallbacks;
  }

  private static <T> Map<String, T> index(
      List<T> items, java.util.function.Function<T, String> key, String what) {
    Map<String, T> map = new LinkedHashMap<>();
    for (T item : items) {
      String id = key.apply(item);
      if (id == null || id.isBlank()) {
        throw new CatalogException(what + " without an id");
      }
      if (map.put(id, item) != null) {
        throw new CatalogException("duplicate " + what + " id '" + id + "'");
      }
    }
    return Collections.unmodifiableMap(map);
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public String version() {
    return version;
  }

  public Collection<Region> regions() {
    return regions.values();
  }

  public boolean hasRegion(String id) {
    return regions.containsKey(id);
  }

  public Collection<Provider> providers() {
    return providers.values();
  }

  public Provider provider(String id) {
    return providers.get(id);
  }

  public Collection<ModelSpec> models() {
    return models.values();
  }

  /** The model clients call {@code id}, or null. */
  public ModelSpec model(String id) {
    return models.get(id);
  }

  public List<ModelSpec> modelsOf(Tier tier) {
    return modelsByTier.getOrDefault(tier, List.of());
  }

  public List<Endpoint> endpointsOf(String modelId) {
    return endpointsByModel.getOrDefault(modelId, List.of());
  }

  public Endpoint endpoint(String modelId, String region) {
    for (Endpoint endpoint : endpointsOf(modelId)) {
      if (endpoint.region().equals(region)) {
        return endpoint;
      }
    }
    return null;
  }

  /** Whether {@code endpointId} ({@code model@region}, {@link Endpoint#id()}) names an endpoint of this catalog. */
  public boolean hasEndpoint(String endpointId) {
    int at = endpointId.lastIndexOf('@');
    return at > 0 && endpoint(endpointId.substring(0, at), endpointId.substring(at + 1)) != null;
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * A copy whose provider base URLs are replaced, e.g. to point every endpoint at a simulator on a
   * random port in tests.
   *
   * @param baseUrlFor (provider, region) to the new base URL
   */
  public Catalog withBaseUrls(BiFunction<Provider, String, String> baseUrlFor) {
    List<Provider> rebased = new ArrayList<>();
    for (Provider provider : providers.values()) {
      Map<String, String> urls = new LinkedHashMap<>();
      Map<String, String> anthropicUrls = new LinkedHashMap<>();
      for (Region region : regions.values()) {
        String url = baseUrlFor.apply(provider, region.id());
        if (url != null) {
          urls.put(region.id(), url);
          if (provider.anthropicBaseUrl(region.id()) != null) {
            // The Messages API moves with the rest: beside the new base, as /anthropic instead of /v1.
            String root = url.endsWith("/v1") ? url.substring(0, url.length() - 3) : url;
            anthropicUrls.put(region.id(), root + "/anthropic");
          }
        }
      }
      rebased.add(new Provider(provider.id(), provider.name(), provider.apiKeyEnv(), urls, anthropicUrls));
    }
    return new Catalog(
        version, List.copyOf(regions.values()), rebased, List.copyOf(models.values()), fallbacks, classifier, aliases);
  }

  /**
   * A copy whose providers offer chat completions only: every Messages request is then translated,
   * none passed through (tests of the translation; an operator comparing the two).
   */
  public Catalog withoutAnthropicApis() {
    List<Provider> plain = new ArrayList<>();
    for (Provider provider : providers.values()) {
      plain.add(new Provider(provider.id(), provider.name(), provider.apiKeyEnv(), provider.baseUrls()));
    }
    return new Catalog(
        version, List.copyOf(regions.values()), plain, List.copyOf(models.values()), fallbacks, classifier, aliases);
  }
}
