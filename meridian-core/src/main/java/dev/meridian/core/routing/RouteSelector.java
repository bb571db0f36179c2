package dev.meridian.core.routing;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Orders the endpoints that may serve a request, lowest expected latency first, from a health snapshot
 * and a blocklist: a pure function, no I/O, safe to call on the event loop.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>{@code model} names a catalog model, a tier ({@code budget}...), {@code auto}, or matches one
 *       of the catalog's aliases ({@link ModelAliases}: names coding agents send); anything else is a
 *       404.
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


  /** Observer regions whose health keys are kept; beyond this, keys are built per request. */
  private static final int MAX_CACHED_OBSERVERS = 64;

  private final Catalog catalog;
  private final HealthPolicy healthPolicy;
  private final Classifier classifier;
  /** Everything about a chain that does not depend on the request, built once per catalog. */
  private final Map<String, PreparedChain> modelChains = new HashMap<>();
  private final Map<Tier, PreparedChain> tierChains = new EnumMap<>(Tier.class);
  private final Map<ModelAliases.Alias, PreparedChain> aliasChains = new IdentityHashMap<>();
  /** Whether an endpoint belongs to more than one tier's chain (then auto must de-duplicate). */
  private final boolean tierChainsOverlap;
  /** The catalog's endpoints by identity, numbered: the index into the health-key tables. */
  private final Map<Endpoint, Integer> ordinals = new IdentityHashMap<>();
  /** Per observer region, the health key of each endpoint (by ordinal), filled as first looked up. */
  private final Map<String, HealthKey[]> healthKeys = new ConcurrentHashMap<>();

  public RouteSelector(Catalog catalog, HealthPolicy healthPolicy) {
    this.catalog = catalog;
    this.healthPolicy = healthPolicy;
    this.classifier = catalog.classifier();
    for (Endpoint endpoint : catalog.endpoints()) {
      ordinals.putIfAbsent(endpoint, ordinals.size());
    }
    for (ModelSpec model : catalog.models()) {
      List<ChainStep> chain = chainOr(model.id(), List.of(ChainStep.of(List.of(model.id()))));
      String reason = "model=" + model.id() + (chain.size() > 1 ? " chain=" + chain.size() : "");
      modelChains.put(model.id(), prepare(chain, reason));
    }
    Map<Endpoint, Tier> tierOf = new IdentityHashMap<>();
    boolean overlap = false;
    for (Tier tier : Tier.values()) {
      PreparedChain chain = prepare(tierChain(tier), "tier=" + tier.id());
      tierChains.put(tier, chain);
      for (PreparedStep step : chain.steps()) {
        for (Endpoint[] endpoints : step.endpoints()) {
          for (Endpoint endpoint : endpoints) {
            Tier previous = tierOf.putIfAbsent(endpoint, tier);
            overlap |= previous != null && previous != tier;
          }
        }
      }
    }
    this.tierChainsOverlap = overlap;
    for (ModelAliases.Alias alias : catalog.aliases().all()) {
      if (alias.target() == null) {
        String reason = "alias=" + alias.pattern() + (alias.steps().size() > 1 ? " chain=" + alias.steps().size() : "");
        aliasChains.put(alias, prepare(alias.steps(), reason));
      }
    }
  }

  /**
   * A chain with its models and endpoints resolved. An endpoint listed by an earlier step (a model
   * named twice) is left out of the later ones, as ranking would skip it there anyway.
   */
  private PreparedChain prepare(List<ChainStep> chain, String reason) {
    Set<String> seen = new HashSet<>();
    PreparedStep[] steps = new PreparedStep[chain.size()];
    int capacity = 0;
    for (int s = 0; s < steps.length; s++) {
      ChainStep step = chain.get(s);
      int size = step.models().size();
      ModelSpec[] models = new ModelSpec[size];
      Endpoint[][] endpoints = new Endpoint[size][];
      int[][] endpointOrdinals = new int[size][];
      for (int m = 0; m < size; m++) {
        String modelId = step.models().get(m);
        models[m] = catalog.model(modelId);
        List<Endpoint> fresh = new ArrayList<>();
        for (Endpoint endpoint : catalog.endpointsOf(modelId)) {
          if (seen.add(endpoint.id())) {
            fresh.add(endpoint);
          }
        }
        endpoints[m] = fresh.toArray(new Endpoint[0]);
        endpointOrdinals[m] = new int[fresh.size()];
        for (int e = 0; e < fresh.size(); e++) {
          Integer ordinal = ordinals.get(fresh.get(e));
          endpointOrdinals[m][e] = ordinal == null ? -1 : ordinal;
        }
        capacity += fresh.size();
      }
      steps[s] = new PreparedStep(step, models, endpoints, endpointOrdinals);
    }
    return new PreparedChain(chain.size(), steps, capacity, reason);
  }

  private record PreparedStep(ChainStep step, ModelSpec[] models, Endpoint[][] endpoints, int[][] ordinals) {}

  private record PreparedChain(int size, PreparedStep[] steps, int capacity, String reason) {}

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
      PreparedChain chain = modelChains.get(model.id());
      return plan(requested, rankChain(chain, localRegion, snapshot, blocked, nowMs, exclusions), chain.reason(), exclusions, nowMs);
    }
    String normalized = requested.toLowerCase(Locale.ROOT);
    Tier tier = Tier.fromId(normalized);
    if (tier != null) {
      PreparedChain chain = tierChains.get(tier);
      List<Candidate> ranked = rankChain(chain, localRegion, snapshot, blocked, nowMs, exclusions);
      return plan(requested, ranked, chain.reason(), exclusions, nowMs);
    }
    if (AUTO.equals(normalized)) {
      Classifier.Classification classification =
          profile == null
              ? new Classifier.Classification(Classifier.RequestClass.SIMPLE, Tier.ULTRA_BUDGET, "no profile")
              : classifier.classify(profile);
      return selectAuto(requested, localRegion, snapshot, blocked, nowMs, exclusions, classification);
    }
    ModelAliases.Alias alias = catalog.aliases().resolve(requested);
    if (alias != null) {
      if (alias.target() != null) {
        // Validated at load: the target is a model, a tier or auto, so this does not recurse further.
        RoutePlan routed = select(alias.target(), localRegion, snapshot, blocked, nowMs, profile, preferences);
        return new RoutePlan(requested, routed.candidates(), "alias=" + alias.pattern() + " " + routed.reason());
      }
      PreparedChain chain = aliasChains.get(alias);
      return plan(requested, rankChain(chain, localRegion, snapshot, blocked, nowMs, exclusions), chain.reason(), exclusions, nowMs);
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
      // Each tier's steps are groups of their own: a dearer tier's candidates are never alternatives.
      List<Candidate> ranked =
          rankChain(tierChains.get(tier), localRegion, snapshot, blocked, nowMs, exclusions, tier.ordinal() * 1_000);
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
    int total = 0;
    for (List<Candidate> ranked : byTier) {
      total += ranked.size();
    }
    List<Candidate> ordered = new ArrayList<>(total);
    ordered.addAll(byTier.get(chosen));
    // Only configured chains can share an endpoint between tiers; without that, nothing repeats.
    Set<String> seen = tierChainsOverlap ? new HashSet<>() : null;
    if (seen != null) {
      ordered.forEach(c -> seen.add(c.endpoint().id()));
    }
    // Escalation goes up: dearer tiers are the fallbacks; cheaper ones only as a last resort.
    for (int k = 0; k < byTier.size() - 1; k++) {
      int i = k < byTier.size() - 1 - chosen ? chosen + 1 + k : k - (byTier.size() - 1 - chosen);
      for (Candidate candidate : byTier.get(i)) {
        if (seen == null || seen.add(candidate.endpoint().id())) {
          ordered.add(candidate);
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

  /**
   * Ranks a chain: each step's candidates sorted within the step, steps in order, then the observed
   * endpoints that missed their step's thresholds. Candidates go into one array sorted range by range
   * (the same stable sort a list per step had), and health records are looked up with keys kept per
   * endpoint: nothing is allocated per endpoint but its candidate.
   */
  private List<Candidate> rankChain(
      PreparedChain chain,
      String localRegion,
      HealthSnapshot snapshot,
      EndpointBlocklist blocked,
      long nowMs,
      Exclusions exclusions) {
    return rankChain(chain, localRegion, snapshot, blocked, nowMs, exclusions, 0);
  }

  /** @param groupBase the group of the chain's first step (auto numbers each tier's steps apart) */
  private List<Candidate> rankChain(
      PreparedChain chain,
      String localRegion,
      HealthSnapshot snapshot,
      EndpointBlocklist blocked,
      long nowMs,
      Exclusions exclusions,
      int groupBase) {
    Candidate[] ordered = chain.capacity() == 0 ? null : new Candidate[chain.capacity()];
    int count = 0;
    Candidate[] tooSlow = null;
    int slow = 0;
    boolean anyBlocked = blocked.size() > 0;
    HealthKey[] keys = chain.capacity() == 0 ? null : healthKeys(localRegion);
    PreparedStep[] steps = chain.steps();
    for (int s = 0; s < steps.length; s++) {
      PreparedStep prepared = steps[s];
      ChainStep step = prepared.step();
      int group = groupBase + s;
      int stepStart = count;
      ModelSpec[] models = prepared.models();
      for (int m = 0; m < models.length; m++) {
        ModelSpec model = models[m];
        if (!exclusions.admits(model)) {
          continue;
        }
        Endpoint[] endpoints = prepared.endpoints()[m];
        int[] endpointOrdinals = prepared.ordinals()[m];
        for (int e = 0; e < endpoints.length; e++) {
          Endpoint endpoint = endpoints[e];
          exclusions.endpointsConsidered++;
          if (!exclusions.admitsRegion(endpoint.region())) {
            exclusions.endpointsRegionExcluded++;
            continue;
          }
          if (anyBlocked) {
            EndpointBlocklist.Block block = blocked.blockAt(endpoint.id(), nowMs);
            if (block != null) {
              if (block.reason() == EndpointBlocklist.Reason.RATE_LIMITED) {
                exclusions.earliestRateLimitEndMs = Math.min(exclusions.earliestRateLimitEndMs, block.untilMs());
              }
              continue;
            }
          }
          EndpointHealth health = snapshot.get(healthKey(keys, endpointOrdinals[e], localRegion, endpoint));
          boolean fresh = health != null && health.isFresh(nowMs, healthPolicy);
          if (fresh && !health.healthy()) {
            continue;
          }
          if (fresh && Double.isFinite(health.ewmaTtftMs())) {
            if (step.admits(health.ewmaTtftMs(), health.ewmaTokensPerSecond())) {
              ordered[count++] = new Candidate(endpoint, health.ewmaTtftMs(), true, tailTtft(health), group);
            } else {
              if (tooSlow == null) {
                tooSlow = new Candidate[chain.capacity()];
              }
              tooSlow[slow++] = new Candidate(endpoint, health.ewmaTtftMs(), true, tailTtft(health), Candidate.NO_GROUP);
            }
          } else {
            ordered[count++] = new Candidate(endpoint, model.nominalTtftMs(), false, model.nominalTtftMs(), group);
          }
        }
      }
      if (count - stepStart > 1) {
        Arrays.sort(ordered, stepStart, count, exclusions.order);
      }
    }
    exclusions.lastChainAdmitted = count;
    if (slow > 0) {
      Arrays.sort(tooSlow, 0, slow, exclusions.order);
      // Each endpoint is in at most one of the two arrays, so both fit in the capacity.
      System.arraycopy(tooSlow, 0, ordered, count, slow);
      count += slow;
    }
    if (count == 0) {
      return List.of();
    }
    // An immutable list over an exact-size array: RoutePlan's List.copyOf then keeps it as it is.
    return List.of(count == ordered.length ? ordered : Arrays.copyOf(ordered, count));
  }

  /** This observer region's table of health keys, one slot per catalog endpoint. */
  private HealthKey[] healthKeys(String localRegion) {
    HealthKey[] keys = healthKeys.get(localRegion);
    if (keys == null) {
      keys = new HealthKey[ordinals.size()];
      if (healthKeys.size() < MAX_CACHED_OBSERVERS) {
        HealthKey[] raced = healthKeys.putIfAbsent(localRegion, keys);
        keys = raced != null ? raced : keys;
      }
    }
    return keys;
  }

  /**
   * The key of {@code endpoint}'s record as {@code localRegion} observed it, built on first use (a
   * racing thread may build an equal one: harmless, the key is immutable).
   */
  private static HealthKey healthKey(HealthKey[] keys, int ordinal, String localRegion, Endpoint endpoint) {
    if (ordinal < 0) {
      return new HealthKey(localRegion, endpoint.model().id(), endpoint.region());
    }
    HealthKey key = keys[ordinal];
    if (key == null) {
      key = new HealthKey(localRegion, endpoint.model().id(), endpoint.region());
      keys[ordinal] = key;
    }
    return key;
  }

  private static boolean profile(Exclusions exclusions) {
    return exclusions.profile != null;
  }

  /** p90 of the recent probe samples once there are enough of them; the EWMA before. */
  private static double tailTtft(EndpointHealth health) {
    return health.sampleCount() >= 5 ? health.ttftPercentileMs(0.90) : health.ewmaTtftMs();
  }

  /** The ranking order of an objective; see {@link CandidateOrder}. */
  static Comparator<Candidate> order(RoutingPreferences.Objective objective) {
    return CandidateOrder.of(objective);
  }
}
