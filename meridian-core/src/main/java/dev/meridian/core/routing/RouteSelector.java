package dev.meridian.core.routing;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.openai.OpenAiError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Orders the endpoints that may serve a request, lowest expected latency first, from a health snapshot:
 * a pure function, no I/O, safe to call on the event loop.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>{@code model} names a catalog model, a tier ({@code budget}...), or {@code auto}; anything else
 *       is a 404.
 *   <li>Only what this router's region observed counts: a record from this region that is fresh and
 *       unhealthy excludes its endpoint.
 *   <li>Endpoints with a fresh healthy observation rank by their observed EWMA TTFT (which includes the
 *       distance to the endpoint's region, because the probe travelled it).
 *   <li>Endpoints with no fresh observation (cold start, or probes stopped) rank after them by the
 *       catalog's nominal TTFT: better an unproven endpoint than a 503, but never ahead of a measured
 *       one.
 *   <li>{@code auto} picks the cheapest tier that has a measured healthy endpoint (the cheapest with
 *       any candidate while nothing is measured yet) and keeps the dearer tiers as fallbacks.
 * </ol>
 *
 * No candidate left is a 503.
 */
public final class RouteSelector {
  public static final String AUTO = "auto";

  private static final Comparator<Candidate> BY_BASIS_THEN_LATENCY =
      Comparator.comparing((Candidate c) -> !c.observed())
          .thenComparingDouble(Candidate::expectedTtftMs)
          .thenComparing(c -> c.endpoint().id());

  private final Catalog catalog;
  private final HealthPolicy healthPolicy;

  public RouteSelector(Catalog catalog, HealthPolicy healthPolicy) {
    this.catalog = catalog;
    this.healthPolicy = healthPolicy;
  }

  public Catalog catalog() {
    return catalog;
  }

  /**
   * @param requested the request's {@code model} field
   * @param localRegion the region this router runs in
   * @param nowMs wall-clock millis, for staleness
   * @throws dev.meridian.core.openai.OpenAiException 404 for an unknown model, 503 when nothing is
   *     healthy
   */
  public RoutePlan select(String requested, String localRegion, HealthSnapshot snapshot, long nowMs) {
    ModelSpec model = catalog.model(requested);
    if (model != null) {
      List<Candidate> candidates = rank(List.of(model), localRegion, snapshot, nowMs);
      return plan(requested, candidates, "model=" + model.id());
    }
    String normalized = requested.toLowerCase(Locale.ROOT);
    Tier tier = Tier.fromId(normalized);
    if (tier != null) {
      return plan(requested, rank(catalog.modelsOf(tier), localRegion, snapshot, nowMs), "tier=" + tier.id());
    }
    if (AUTO.equals(normalized)) {
      return selectAuto(requested, localRegion, snapshot, nowMs);
    }
    throw OpenAiError.modelNotFound(requested).asException();
  }

  private RoutePlan selectAuto(String requested, String localRegion, HealthSnapshot snapshot, long nowMs) {
    List<List<Candidate>> byTier = new ArrayList<>();
    int chosen = -1;
    for (Tier tier : Tier.values()) {
      List<Candidate> ranked = rank(catalog.modelsOf(tier), localRegion, snapshot, nowMs);
      byTier.add(ranked);
      if (chosen < 0 && !ranked.isEmpty() && ranked.get(0).observed()) {
        chosen = byTier.size() - 1;
      }
    }
    if (chosen < 0) {
      for (int i = 0; i < byTier.size() && chosen < 0; i++) {
        if (!byTier.get(i).isEmpty()) {
          chosen = i;
        }
      }
    }
    if (chosen < 0) {
      throw OpenAiError.noHealthyEndpoint(requested).asException();
    }
    List<Candidate> ordered = new ArrayList<>(byTier.get(chosen));
    for (int i = 0; i < byTier.size(); i++) {
      if (i != chosen) {
        ordered.addAll(byTier.get(i));
      }
    }
    return new RoutePlan(requested, ordered, "auto tier=" + Tier.values()[chosen].id());
  }

  private RoutePlan plan(String requested, List<Candidate> candidates, String reason) {
    if (candidates.isEmpty()) {
      throw OpenAiError.noHealthyEndpoint(requested).asException();
    }
    return new RoutePlan(requested, candidates, reason);
  }

  private List<Candidate> rank(
      List<ModelSpec> models, String localRegion, HealthSnapshot snapshot, long nowMs) {
    List<Candidate> candidates = new ArrayList<>();
    for (ModelSpec model : models) {
      for (Endpoint endpoint : catalog.endpointsOf(model.id())) {
        EndpointHealth health = snapshot.get(localRegion, model.id(), endpoint.region());
        boolean fresh = health != null && health.isFresh(nowMs, healthPolicy);
        if (fresh && !health.healthy()) {
          continue;
        }
        if (fresh && Double.isFinite(health.ewmaTtftMs())) {
          candidates.add(new Candidate(endpoint, health.ewmaTtftMs(), true));
        } else {
          candidates.add(new Candidate(endpoint, model.nominalTtftMs(), false));
        }
      }
    }
    candidates.sort(BY_BASIS_THEN_LATENCY);
    return candidates;
  }
}
