package dev.meridian.core.routing;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Orders the endpoints that may serve a request, lowest expected latency first, from a health snapshot
 * and a blocklist: a pure function, no I/O, safe to call on the event loop.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>{@code model} names a catalog model, a tier ({@code budget}...), or {@code auto}; anything else
 *       is a 404.
 *   <li>The name's fallback chain (from the catalog; by default the model alone, or all models of the
 *       tier in one step) gives the order of models: each step's endpoints before the next step's, so
 *       the same model in the next-best region comes before the next model.
 *   <li>Only what this router's region observed counts: a fresh unhealthy record excludes its endpoint,
 *       and so does a block in force (open breaker, or a 429's Retry-After).
 *   <li>Within a step, endpoints with a fresh healthy observation rank by observed EWMA TTFT (which
 *       includes the distance to the endpoint's region, because the probe travelled it); endpoints
 *       with no fresh observation (cold start, or probes stopped) follow by the catalog's nominal TTFT.
 *   <li>An observed endpoint that misses its step's thresholds (max TTFT, min tokens/s) moves to the
 *       very end, behind every step: tried only when nothing better is left.
 *   <li>{@code auto} picks the cheapest tier that has a measured healthy endpoint (the cheapest with any
 *       candidate while nothing is measured yet) and keeps the dearer tiers as fallbacks.
 * </ol>
 *
 * No candidate left is a 503, or a 429 with the shortest remaining wait when rate limits emptied it.
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

  /** {@link #select(String, String, HealthSnapshot, EndpointBlocklist, long)} with nothing blocked. */
  public RoutePlan select(String requested, String localRegion, HealthSnapshot snapshot, long nowMs) {
    return select(requested, localRegion, snapshot, EndpointBlocklist.EMPTY, nowMs);
  }

  /**
   * @param requested the request's {@code model} field
   * @param localRegion the region this router runs in
   * @param blocked endpoints that must not be tried now
   * @param nowMs wall-clock millis, for staleness and blocks
   * @throws OpenAiException 404 for an unknown name, 503 when nothing is healthy, 429 when rate limits
   *     are all that is left
   */
  public RoutePlan select(
      String requested, String localRegion, HealthSnapshot snapshot, EndpointBlocklist blocked, long nowMs) {
    Exclusions exclusions = new Exclusions();
    ModelSpec model = catalog.model(requested);
    if (model != null) {
      List<ChainStep> chain = chainOr(model.id(), List.of(ChainStep.of(List.of(model.id()))));
      String reason = "model=" + model.id() + (chain.size() > 1 ? " chain=" + chain.size() : "");
      return plan(requested, rankChain(chain, localRegion, snapshot, blocked, nowMs, exclusions), reason, exclusions, nowMs);
    }
    String normalized = requested.toLowerCase(Locale.ROOT);
    Tier tier = Tier.fromId(normalized);
    if (tier != null) {
      List<Candidate> ranked = rankChain(tierChain(tier), localRegion, snapshot, blocked, nowMs, exclusions);
      return plan(requested, ranked, "tier=" + tier.id(), exclusions, nowMs);
    }
    if (AUTO.equals(normalized)) {
      return selectAuto(requested, localRegion, snapshot, blocked, nowMs, exclusions);
    }
    throw OpenAiError.modelNotFound(requested).asException();
  }

  private List<ChainStep> tierChain(Tier tier) {
    List<String> ids = catalog.modelsOf(tier).stream().map(ModelSpec::id).toList();
    return ids.isEmpty() ? List.of() : chainOr(tier.id(), List.of(ChainStep.of(ids)));
  }

  private List<ChainStep> chainOr(String name, List<ChainStep> fallback) {
    List<ChainStep> configured = catalog.fallbacks().chainFor(name);
    return configured == null ? fallback : configured;
  }

  private RoutePlan selectAuto(
      String requested,
      String localRegion,
      HealthSnapshot snapshot,
      EndpointBlocklist blocked,
      long nowMs,
      Exclusions exclusions) {
    List<List<Candidate>> byTier = new ArrayList<>();
    int chosen = -1;
    for (Tier tier : Tier.values()) {
      List<Candidate> ranked = rankChain(tierChain(tier), localRegion, snapshot, blocked, nowMs, exclusions);
      byTier.add(ranked);
      if (chosen < 0 && !ranked.isEmpty() && ranked.get(0).observed()) {
        chosen = byTier.size() - 1;
      }
    }
    for (int i = 0; i < byTier.size() && chosen < 0; i++) {
      if (!byTier.get(i).isEmpty()) {
        chosen = i;
      }
    }
    if (chosen < 0) {
      return plan(requested, List.of(), "auto", exclusions, nowMs);
    }
    List<Candidate> ordered = new ArrayList<>(byTier.get(chosen));
    Set<String> seen = new HashSet<>();
    ordered.forEach(c -> seen.add(c.endpoint().id()));
    for (int i = 0; i < byTier.size(); i++) {
      if (i != chosen) {
        for (Candidate candidate : byTier.get(i)) {
          if (seen.add(candidate.endpoint().id())) {
            ordered.add(candidate);
          }
        }
      }
    }
    return new RoutePlan(requested, ordered, "auto tier=" + Tier.values()[chosen].id());
  }

  private RoutePlan plan(
      String requested, List<Candidate> candidates, String reason, Exclusions exclusions, long nowMs) {
    if (candidates.isEmpty()) {
      if (exclusions.earliestRateLimitEndMs != Long.MAX_VALUE) {
        long seconds = Math.max(1, (exclusions.earliestRateLimitEndMs - nowMs + 999) / 1000);
        throw new OpenAiException(OpenAiError.allRateLimited(requested, seconds), seconds);
      }
      throw OpenAiError.noHealthyEndpoint(requested).asException();
    }
    return new RoutePlan(requested, candidates, reason);
  }

  private List<Candidate> rankChain(
      List<ChainStep> chain,
      String localRegion,
      HealthSnapshot snapshot,
      EndpointBlocklist blocked,
      long nowMs,
      Exclusions exclusions) {
    List<Candidate> ordered = new ArrayList<>();
    List<Candidate> tooSlow = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ChainStep step : chain) {
      List<Candidate> stepCandidates = new ArrayList<>();
      for (String modelId : step.models()) {
        ModelSpec model = catalog.model(modelId);
        for (Endpoint endpoint : catalog.endpointsOf(modelId)) {
          if (!seen.add(endpoint.id())) {
            continue;
          }
          EndpointBlocklist.Block block = blocked.blockAt(endpoint.id(), nowMs);
          if (block != null) {
            if (block.reason() == EndpointBlocklist.Reason.RATE_LIMITED) {
              exclusions.earliestRateLimitEndMs = Math.min(exclusions.earliestRateLimitEndMs, block.untilMs());
            }
            continue;
          }
          EndpointHealth health = snapshot.get(localRegion, modelId, endpoint.region());
          boolean fresh = health != null && health.isFresh(nowMs, healthPolicy);
          if (fresh && !health.healthy()) {
            continue;
          }
          if (fresh && Double.isFinite(health.ewmaTtftMs())) {
            Candidate candidate = new Candidate(endpoint, health.ewmaTtftMs(), true);
            if (step.admits(health.ewmaTtftMs(), health.ewmaTokensPerSecond())) {
              stepCandidates.add(candidate);
            } else {
              tooSlow.add(candidate);
            }
          } else {
            stepCandidates.add(new Candidate(endpoint, model.nominalTtftMs(), false));
          }
        }
      }
      stepCandidates.sort(BY_BASIS_THEN_LATENCY);
      ordered.addAll(stepCandidates);
    }
    tooSlow.sort(BY_BASIS_THEN_LATENCY);
    ordered.addAll(tooSlow);
    return ordered;
  }

  /** What selection left out, to explain an empty result. */
  private static final class Exclusions {
    long earliestRateLimitEndMs = Long.MAX_VALUE;
  }
}
