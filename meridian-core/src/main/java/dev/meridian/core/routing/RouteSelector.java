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
  /** Error code when the client's API key allows none of the models that could serve. */
  public static final String MODEL_NOT_ALLOWED = "model_not_allowed";


  private final Catalog catalog;
  private final HealthPolicy healthPolicy;
  private final Classifier classifier;

  public RouteSelector(Catalog catalog, HealthPolicy healthPolicy) {
    this.catalog = catalog;
    this.healthPolicy = healthPolicy;
    this.classifier = catalog.classifier();
  }

  public Classifier classifier() {
    return classifier;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** {@link #select(String, String, HealthSnapshot, EndpointBlocklist, long)} with nothing blocked. */
  public RoutePlan select(String requested, String localRegion, HealthSnapshot snapshot, long nowMs) {
    return select(requested, localRegion, snapshot, EndpointBlocklist.EMPTY, nowMs);
  }

  /**
   * {@link #select(String, String, HealthSnapshot, EndpointBlocklist, long, RequestProfile,
   * RoutingPreferences)} for a request whose content and preferences impose nothing.
   *
   * @param requested the request's {@code model} field
   * @param localRegion the region this router runs in
   * @param blocked endpoints that must not be tried now
   * @param nowMs wall-clock millis, for staleness and blocks
   * @throws OpenAiException 404 for an unknown name, 503 when nothing is healthy, 429 when rate limits
   *     are all that is left
   */
  public RoutePlan select(
      String requested, String localRegion, HealthSnapshot snapshot, EndpointBlocklist blocked, long nowMs) {
    return select(requested, localRegion, snapshot, blocked, nowMs, null, RoutingPreferences.DEFAULT);
  }

  /**
   * Full selection: capability and context filters from the request's content (images need a vision
   * model, tools a model with tools, the prompt plus max_tokens must fit the context window) and the
   * client's preferences (objective, price ceiling, provider and region pins) apply before any latency
   * choice. For {@code auto}, the request's class picks the tier to start from.
   *
   * @param profile the request's content, or null to apply no content filter (and classify as simple)
   * @throws OpenAiException 400 when no model of the catalog could ever satisfy the request (a
   *     capability, the context size or the client's constraints), besides the errors above
   */
  public RoutePlan select(
      String requested,
      String localRegion,
      HealthSnapshot snapshot,
      EndpointBlocklist blocked,
      long nowMs,
      RequestProfile profile,
      RoutingPreferences preferences) {
    Exclusions exclusions = new Exclusions(profile, preferences);
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
      Classifier.Classification classification =
          profile == null
              ? new Classifier.Classification(Classifier.RequestClass.SIMPLE, Tier.ULTRA_BUDGET, "no profile")
              : classifier.classify(profile);
      return selectAuto(requested, localRegion, snapshot, blocked, nowMs, exclusions, classification);
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
      Exclusions exclusions,
      Classifier.Classification classification) {
    List<List<Candidate>> byTier = new ArrayList<>();
    int chosen = -1;
    for (Tier tier : Tier.values()) {
      if (tier.ordinal() < classification.startTier().ordinal()) {
        // A request classed above this tier never goes down to it.
        byTier.add(List.of());
        continue;
      }
      exclusions.lastChainAdmitted = 0;
      List<Candidate> ranked = rankChain(tierChain(tier), localRegion, snapshot, blocked, nowMs, exclusions);
      byTier.add(ranked);
      // The cheapest tier whose best candidate is measured and meets its step's thresholds.
      if (chosen < 0 && exclusions.lastChainAdmitted > 0 && ranked.get(0).observed()) {
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
    String why =
        "auto tier=" + Tier.values()[chosen].id()
            + (profile(exclusions) ? " class=" + classification.requestClass().id() + " (" + classification.reason() + ")" : "");
    List<Candidate> ordered = new ArrayList<>(byTier.get(chosen));
    Set<String> seen = new HashSet<>();
    ordered.forEach(c -> seen.add(c.endpoint().id()));
    // Escalation goes up: dearer tiers are the fallbacks; cheaper ones only as a last resort.
    List<Integer> order = new ArrayList<>();
    for (int i = chosen + 1; i < byTier.size(); i++) {
      order.add(i);
    }
    for (int i = 0; i < chosen; i++) {
      order.add(i);
    }
    for (int i : order) {
      {
        for (Candidate candidate : byTier.get(i)) {
          if (seen.add(candidate.endpoint().id())) {
            ordered.add(candidate);
          }
        }
      }
    }
    return new RoutePlan(requested, ordered, why);
  }

  private RoutePlan plan(
      String requested, List<Candidate> candidates, String reason, Exclusions exclusions, long nowMs) {
    if (candidates.isEmpty()) {
      if (exclusions.anyModelConsidered && !exclusions.anyModelAdmitted) {
        if (exclusions.rejectionCode.equals(MODEL_NOT_ALLOWED)) {
          throw OpenAiError.permissionDenied(MODEL_NOT_ALLOWED, exclusions.rejectionMessage(requested)).asException();
        }
        throw OpenAiError.invalidRequest(exclusions.rejectionCode, exclusions.rejectionMessage(requested), "model")
            .asException();
      }
      if (exclusions.endpointsConsidered > 0 && exclusions.endpointsRegionExcluded == exclusions.endpointsConsidered) {
        throw OpenAiError.invalidRequest(
                "no_model_matches",
                "No endpoint for '" + requested + "' is in the regions this request allows.",
                RoutingPreferences.REGION_HEADER)
            .asException();
      }
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
        if (!exclusions.admits(model)) {
          continue;
        }
        for (Endpoint endpoint : catalog.endpointsOf(modelId)) {
          if (!seen.add(endpoint.id())) {
            continue;
          }
          exclusions.endpointsConsidered++;
          if (!exclusions.admitsRegion(endpoint.region())) {
            exclusions.endpointsRegionExcluded++;
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
            Candidate candidate = new Candidate(endpoint, health.ewmaTtftMs(), true, tailTtft(health));
            if (step.admits(health.ewmaTtftMs(), health.ewmaTokensPerSecond())) {
              stepCandidates.add(candidate);
            } else {
              tooSlow.add(candidate);
            }
          } else {
            stepCandidates.add(new Candidate(endpoint, model.nominalTtftMs(), false, model.nominalTtftMs()));
          }
        }
      }
      stepCandidates.sort(exclusions.order);
      ordered.addAll(stepCandidates);
    }
    exclusions.lastChainAdmitted = ordered.size();
    tooSlow.sort(exclusions.order);
    ordered.addAll(tooSlow);
    return ordered;
  }

  private static boolean profile(Exclusions exclusions) {
    return exclusions.profile != null;
  }

  /** p90 of the recent probe samples once there are enough of them; the EWMA before. */
  private static double tailTtft(EndpointHealth health) {
    return health.sampleCount() >= 5 ? health.ttftPercentileMs(0.90) : health.ewmaTtftMs();
  }

  static Comparator<Candidate> order(RoutingPreferences.Objective objective) {
    Comparator<Candidate> measuredFirst = Comparator.comparing((Candidate c) -> !c.observed());
    Comparator<Candidate> byId = Comparator.comparing(c -> c.endpoint().id());
    return switch (objective) {
      case LATENCY -> measuredFirst.thenComparingDouble(Candidate::tailTtftMs).thenComparing(byId);
      case COST -> Comparator.comparingDouble((Candidate c) -> c.endpoint().model().outputDollarsPerMillion())
          .thenComparing(measuredFirst)
          .thenComparingDouble(Candidate::tailTtftMs)
          .thenComparing(byId);
      case BALANCED -> measuredFirst
          .thenComparingDouble((Candidate c) -> c.tailTtftMs() / RoutingPreferences.BALANCED_TTFT_REFERENCE_MS
              + c.endpoint().model().outputDollarsPerMillion())
          .thenComparing(byId);
    };
  }

  /** The request's filters, and what selection left out, to explain an empty result. */
  private static final class Exclusions {
    private static final int DEFAULT_OUTPUT_TOKENS = 256;

    final RequestProfile profile;
    final RoutingPreferences preferences;
    final Comparator<Candidate> order;
    long earliestRateLimitEndMs = Long.MAX_VALUE;
    int lastChainAdmitted;
    boolean anyModelConsidered;
    boolean anyModelAdmitted;
    int endpointsConsidered;
    int endpointsRegionExcluded;
    String rejectionCode = "no_model_matches";
    String rejectionReason = "";

    Exclusions(RequestProfile profile, RoutingPreferences preferences) {
      this.profile = profile;
      this.preferences = preferences;
      this.order = RouteSelector.order(preferences.objective());
    }

    boolean admits(ModelSpec model) {
      anyModelConsidered = true;
      String why = rejects(model);
      if (why == null) {
        anyModelAdmitted = true;
        return true;
      }
      if (rejectionReason.isEmpty()) {
        rejectionReason = why;
      }
      return false;
    }

    private String rejects(ModelSpec model) {
      if (profile != null) {
        if (profile.images() && !model.has(ModelSpec.CAPABILITY_VISION)) {
          rejectionCode = "unsupported_capability";
          return "accepts images (vision)";
        }
        if (profile.tools() && !model.has(ModelSpec.CAPABILITY_TOOLS)) {
          rejectionCode = "unsupported_capability";
          return "supports tools";
        }
        long needed = profile.contextTokensNeeded(DEFAULT_OUTPUT_TOKENS);
        if (needed > model.contextWindow()) {
          rejectionCode = "context_length_exceeded";
          return "has a context window for about " + needed + " tokens (prompt plus max_tokens)";
        }
      }
      if (preferences.client() != null && !preferences.client().maySpendOn(model)) {
        rejectionCode = MODEL_NOT_ALLOWED;
        return "is allowed for API key '" + preferences.client().name() + "'";
      }
      double ceiling = preferences.maxOutputDollarsPerMillion();
      if (!Double.isNaN(ceiling) && model.outputDollarsPerMillion() > ceiling) {
        rejectionCode = "no_model_matches";
        return "costs at most $" + ceiling + " per million output tokens";
      }
      if (!preferences.onlyProviders().isEmpty() && !preferences.onlyProviders().contains(model.provider())) {
        rejectionCode = "no_model_matches";
        return "is served by provider " + String.join(" or ", preferences.onlyProviders());
      }
      if (preferences.excludedProviders().contains(model.provider())) {
        rejectionCode = "no_model_matches";
        return "is served by a provider that is not excluded";
      }
      return null;
    }

    boolean admitsRegion(String region) {
      return (preferences.onlyRegions().isEmpty() || preferences.onlyRegions().contains(region))
          && !preferences.excludedRegions().contains(region);
    }

    String rejectionMessage(String requested) {
      return "No model for '" + requested + "' " + rejectionReason + ".";
    }
  }
}
