package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Route selection against the default catalog (15 models x 3 regions). Each case states what this
 * router's region has observed and what plan must come out.
 */
class RouteSelectorTest {
  /**
   * The default catalog's models without its fallback chains: these cases pin the base ranking rules;
   * chains are covered by RouteSelectorChainTest and the default chains by DefaultChainsTest.
   */
  private static final Catalog CATALOG = withoutChains(CatalogLoader.loadDefault());

  static Catalog withoutChains(Catalog catalog) {
    return new Catalog(
        catalog.version(),
        java.util.List.copyOf(catalog.regions()),
        java.util.List.copyOf(catalog.providers()),
        java.util.List.copyOf(catalog.models()));
  }
  private static final HealthPolicy POLICY = HealthPolicy.DEFAULT.withStaleAfterMs(60_000);
  private static final long NOW = 1_800_000_000_000L;
  private static final RouteSelector SELECTOR = new RouteSelector(CATALOG, POLICY);

  // ------------------------------------------------------------------ scenario language

  enum State {
    UP,
    DOWN,
    STALE_UP,
    STALE_DOWN
  }

  /** What {@code observer} saw of {@code endpoint} ({@code model@region}). */
  record Obs(String observer, String endpoint, State state, double ttftMs) {
    @Override
    public String toString() {
      return observer + "->" + endpoint + " " + state + (state == State.UP ? " " + ttftMs : "");
    }
  }

  static Obs up(String observer, String endpoint, double ttftMs) {
    return new Obs(observer, endpoint, State.UP, ttftMs);
  }

  /** Unhealthy; it had worked (at {@code lastGoodTtftMs}) before K failures. */
  static Obs down(String observer, String endpoint, double lastGoodTtftMs) {
    return new Obs(observer, endpoint, State.DOWN, lastGoodTtftMs);
  }

  static Obs down(String observer, String endpoint) {
    return down(observer, endpoint, 100);
  }

  static Obs staleUp(String observer, String endpoint, double ttftMs) {
    return new Obs(observer, endpoint, State.STALE_UP, ttftMs);
  }

  static Obs staleDown(String observer, String endpoint) {
    return new Obs(observer, endpoint, State.STALE_DOWN, 100);
  }

  static List<Obs> allDown(String observer, String... models) {
    List<Obs> list = new ArrayList<>();
    for (String model : models) {
      for (Endpoint e : CATALOG.endpointsOf(model)) {
        list.add(down(observer, e.id()));
      }
    }
    return list;
  }

  static List<String> modelsOf(Tier tier) {
    return CATALOG.modelsOf(tier).stream().map(ModelSpec::id).toList();
  }

  static EndpointHealth health(Obs obs) {
    String[] parts = obs.endpoint().split("@");
    HealthKey key = new HealthKey(obs.observer(), parts[0], parts[1]);
    boolean stale = obs.state() == State.STALE_UP || obs.state() == State.STALE_DOWN;
    long at = stale ? NOW - POLICY.staleAfterMs() - 1 : NOW - 1_000;
    long t = at - 10_000;
    EndpointHealth h =
        EndpointHealth.unobserved(key).record(ProbeResult.success(key, t, obs.ttftMs(), 30), POLICY);
    if (obs.state() == State.DOWN || obs.state() == State.STALE_DOWN) {
      for (int i = POLICY.failureThreshold() - 1; i >= 0; i--) {
        h = h.record(ProbeResult.failure(key, at - i, ProbeOutcome.CONNECT_ERROR, 0, "refused"), POLICY);
      }
      assertThat(h.healthy()).isFalse();
    } else {
      h = h.record(ProbeResult.success(key, at, obs.ttftMs(), 30), POLICY);
    }
    return h;
  }

  static HealthSnapshot snapshot(List<Obs> observations) {
    HealthSnapshot snapshot = HealthSnapshot.EMPTY;
    for (Obs obs : observations) {
      snapshot = snapshot.with(health(obs));
    }
    return snapshot;
  }

  /** What the plan must look like; unset parts are not checked. */
  static final class Expect {
    List<String> startsWith = List.of();
    Set<String> excluded = Set.of();
    Set<String> observed;
    List<String> models;
    Set<String> onlyModels;
    Integer size;
    String primaryModel;
    String reason;
    Integer status;
    String code;

    Expect startsWith(String... ids) {
      startsWith = List.of(ids);
      return this;
    }

    Expect excludes(String... ids) {
      excluded = Set.of(ids);
      return this;
    }

    Expect observed(String... ids) {
      observed = Set.of(ids);
      return this;
    }

    Expect models(String... ids) {
      models = List.of(ids);
      return this;
    }

    Expect onlyModels(List<String> ids) {
      onlyModels = Set.copyOf(ids);
      return this;
    }

    /** The model of the first candidate, where which of its regions wins a tie is not the point. */
    Expect primaryModel(String id) {
      primaryModel = id;
      return this;
    }

    Expect size(int n) {
      size = n;
      return this;
    }

    Expect reason(String r) {
      reason = r;
      return this;
    }
  }

  static Expect plan() {
    return new Expect();
  }

  static Expect error(int status, String code) {
    Expect e = new Expect();
    e.status = status;
    e.code = code;
    return e;
  }

  static Arguments row(String name, String requested, String local, List<Obs> obs, Expect expect) {
    return Arguments.of(name, requested, local, obs, expect);
  }

  // ------------------------------------------------------------------ the table

  static Stream<Arguments> cases() {
    String us = "us-east";
    String eu = "eu-west";
    String ap = "ap-southeast";
    List<String> premiumAndBudget = new ArrayList<>(modelsOf(Tier.PREMIUM));
    premiumAndBudget.addAll(modelsOf(Tier.BUDGET));
    List<Obs> everythingDown = allDown(us, CATALOG.models().stream().map(ModelSpec::id).toArray(String[]::new));

    return Stream.of(
        // --- one model
        row("lowest observed EWMA TTFT first", "glm-5", us,
            List.of(up(us, "glm-5@us-east", 400), up(us, "glm-5@eu-west", 300), up(us, "glm-5@ap-southeast", 500)),
            plan().startsWith("glm-5@eu-west", "glm-5@us-east", "glm-5@ap-southeast")
                .observed("glm-5@eu-west", "glm-5@us-east", "glm-5@ap-southeast")
                .size(3).reason("model=glm-5")),
        row("nothing observed: all endpoints, by nominal", "glm-5", us, List.of(),
            plan().size(3).observed().reason("model=glm-5")),
        row("other observer regions are ignored", "glm-5", us,
            List.of(up(ap, "glm-5@ap-southeast", 50), up(eu, "glm-5@eu-west", 60), up(us, "glm-5@us-east", 400)),
            plan().startsWith("glm-5@us-east").observed("glm-5@us-east").size(3)),
        row("same snapshot, seen from ap-southeast", "glm-5", ap,
            List.of(up(ap, "glm-5@ap-southeast", 50), up(eu, "glm-5@eu-west", 60), up(us, "glm-5@us-east", 400)),
            plan().startsWith("glm-5@ap-southeast").observed("glm-5@ap-southeast").size(3)),
        row("same snapshot, seen from eu-west", "glm-5", eu,
            List.of(up(ap, "glm-5@ap-southeast", 50), up(eu, "glm-5@eu-west", 60), up(us, "glm-5@us-east", 400)),
            plan().startsWith("glm-5@eu-west").observed("glm-5@eu-west").size(3)),
        row("fresh unhealthy endpoint excluded", "glm-5", us,
            List.of(down(us, "glm-5@eu-west"), up(us, "glm-5@us-east", 400)),
            plan().startsWith("glm-5@us-east").excludes("glm-5@eu-west").observed("glm-5@us-east").size(2)),
        row("fresh unhealthy excluded although its last good TTFT was the best", "glm-5", us,
            List.of(down(us, "glm-5@eu-west", 10), up(us, "glm-5@us-east", 400), up(us, "glm-5@ap-southeast", 450)),
            plan().startsWith("glm-5@us-east", "glm-5@ap-southeast").excludes("glm-5@eu-west").size(2)),
        row("another region's unhealthy verdict excludes nothing here", "glm-5", us,
            allDown(ap, "glm-5"),
            plan().size(3).observed()),
        row("stale healthy record counts as unobserved", "glm-5", us,
            List.of(staleUp(us, "glm-5@eu-west", 100), up(us, "glm-5@us-east", 400)),
            plan().startsWith("glm-5@us-east").observed("glm-5@us-east").size(3)),
        row("stale unhealthy records are not excluded", "glm-5", us,
            List.of(staleDown(us, "glm-5@us-east"), staleDown(us, "glm-5@eu-west"), staleDown(us, "glm-5@ap-southeast")),
            plan().size(3).observed()),
        row("stale unhealthy comes back as unobserved after a fresh observed one", "glm-5", us,
            List.of(staleDown(us, "glm-5@eu-west"), up(us, "glm-5@ap-southeast", 900)),
            plan().startsWith("glm-5@ap-southeast").observed("glm-5@ap-southeast").size(3)),
        row("an observed endpoint ranks first however slow", "glm-5", us,
            List.of(up(us, "glm-5@ap-southeast", 5_000)),
            plan().startsWith("glm-5@ap-southeast").observed("glm-5@ap-southeast").size(3)),
        row("every endpoint of the model unhealthy", "glm-5", us, allDown(us, "glm-5"),
            error(503, "no_healthy_endpoint")),
        row("every endpoint unhealthy here, though healthy from elsewhere", "glm-5", us,
            Stream.concat(allDown(us, "glm-5").stream(),
                    Stream.of(up(ap, "glm-5@us-east", 100), up(ap, "glm-5@ap-southeast", 100)))
                .toList(),
            error(503, "no_healthy_endpoint")),
        row("other models' health does not matter", "kimi-k2.5", us, allDown(us, "glm-5", "deepseek-r1"),
            plan().size(3).onlyModels(List.of("kimi-k2.5")).reason("model=kimi-k2.5")),

        // --- tiers
        row("tier, nothing observed: unobserved rank by nominal TTFT", "budget", us, List.of(),
            plan().models("deepseek-v4-flash", "deepseek-v4-flash", "deepseek-v4-flash",
                    "hunyuan-turbos", "hunyuan-turbos", "hunyuan-turbos",
                    "qwen3-32b", "qwen3-32b", "qwen3-32b")
                .observed().reason("tier=budget")),
        row("tier routes among its own models only", "budget", us,
            List.of(up(us, "glm-5@us-east", 10), up(us, "qwen3-8b@us-east", 20), up(us, "qwen3-32b@us-east", 300)),
            plan().startsWith("qwen3-32b@us-east").observed("qwen3-32b@us-east").size(9)
                .onlyModels(modelsOf(Tier.BUDGET))),
        row("tier: a measured endpoint beats a nominally faster model", "budget", us,
            List.of(up(us, "qwen3-32b@eu-west", 260)),
            plan().startsWith("qwen3-32b@eu-west")
                .models("qwen3-32b", "deepseek-v4-flash", "deepseek-v4-flash", "deepseek-v4-flash",
                    "hunyuan-turbos", "hunyuan-turbos", "hunyuan-turbos", "qwen3-32b", "qwen3-32b")),
        row("tier: observed endpoints of several models by EWMA", "premium", us,
            List.of(up(us, "deepseek-r1@us-east", 700), up(us, "glm-5@ap-southeast", 420),
                up(us, "kimi-k2.5@eu-west", 480), down(us, "minimax-m2.5@us-east", 5)),
            plan().startsWith("glm-5@ap-southeast", "kimi-k2.5@eu-west", "deepseek-r1@us-east")
                .observed("glm-5@ap-southeast", "kimi-k2.5@eu-west", "deepseek-r1@us-east")
                .excludes("minimax-m2.5@us-east").size(14).onlyModels(modelsOf(Tier.PREMIUM))),
        row("tier names are case-insensitive (Budget)", "Budget", us, List.of(up(us, "hunyuan-turbos@ap-southeast", 200)),
            plan().startsWith("hunyuan-turbos@ap-southeast").size(9).onlyModels(modelsOf(Tier.BUDGET))
                .reason("tier=budget")),
        row("tier names are case-insensitive (PREMIUM)", "PREMIUM", us, List.of(),
            plan().size(15).onlyModels(modelsOf(Tier.PREMIUM)).reason("tier=premium")),
        row("tier names are case-insensitive (Ultra-Budget)", "Ultra-Budget", us, List.of(),
            plan().primaryModel("step-3.5-flash").size(6).onlyModels(modelsOf(Tier.ULTRA_BUDGET))
                .reason("tier=ultra-budget")),
        row("every endpoint of the tier unhealthy", "mid-range", us,
            allDown(us, modelsOf(Tier.MID_RANGE).toArray(String[]::new)),
            error(503, "no_healthy_endpoint")),
        row("tier unhealthy elsewhere only", "mid-range", us,
            allDown(eu, modelsOf(Tier.MID_RANGE).toArray(String[]::new)),
            plan().size(15).observed()),

        // --- auto
        row("auto, nothing observed: cheapest tier with candidates", "auto", us, List.of(),
            plan().primaryModel("step-3.5-flash").size(45).observed().reason("auto tier=ultra-budget")),
        row("auto: cheapest tier with an observed healthy endpoint", "auto", us,
            List.of(up(us, "doubao-seed-lite@us-east", 200), up(us, "glm-5@us-east", 100)),
            plan().startsWith("doubao-seed-lite@us-east").size(45).reason("auto tier=mid-range")),
        row("auto: cheapness beats speed between observed tiers", "auto", us,
            List.of(up(us, "qwen3-8b@eu-west", 900), up(us, "deepseek-v4-flash@us-east", 90)),
            plan().startsWith("qwen3-8b@eu-west").reason("auto tier=ultra-budget")),
        row("auto: a tier whose endpoints are all unhealthy is skipped", "auto", us,
            allDown(us, modelsOf(Tier.ULTRA_BUDGET).toArray(String[]::new)),
            plan().size(39).reason("auto tier=budget").primaryModel("deepseek-v4-flash")
                .excludes(CATALOG.endpointsOf("qwen3-8b").stream().map(Endpoint::id).toArray(String[]::new))),
        row("auto: stale observations do not choose a tier", "auto", us,
            List.of(staleUp(us, "step-3.5-flash@us-east", 50), up(us, "qwen3-32b@us-east", 300)),
            plan().startsWith("qwen3-32b@us-east").size(45).reason("auto tier=budget")),
        row("auto: only other regions' observations count as nothing", "auto", us,
            List.of(up(ap, "glm-5@ap-southeast", 100), up(eu, "qwen3-32b@eu-west", 100)),
            plan().size(45).observed().reason("auto tier=ultra-budget")),
        row("auto: an unhealthy observation does not choose a tier", "auto", us,
            List.of(down(us, "qwen3-8b@us-east", 5), up(us, "glm-4-32b@eu-west", 300)),
            plan().startsWith("glm-4-32b@eu-west").excludes("qwen3-8b@us-east").size(44)
                .reason("auto tier=mid-range")),
        row("auto is case-insensitive", "Auto", us, List.of(up(us, "glm-5@eu-west", 500)),
            plan().startsWith("glm-5@eu-west").reason("auto tier=premium")),
        row("auto with everything unhealthy", "auto", us, everythingDown, error(503, "no_healthy_endpoint")),

        // --- unknown names
        row("unknown model", "gpt-4o", us, List.of(), error(404, "model_not_found")),
        row("unknown tier-like name", "cheap", us, List.of(), error(404, "model_not_found")),
        row("empty model name", "", us, List.of(), error(404, "model_not_found")),
        row("unknown model even when everything is unhealthy", "gpt-4o", us, everythingDown,
            error(404, "model_not_found")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void selects(String name, String requested, String local, List<Obs> obs, Expect expect) {
    HealthSnapshot snapshot = snapshot(obs);

    if (expect.status != null) {
      OpenAiException e =
          catchThrowableOfType(OpenAiException.class, () -> SELECTOR.select(requested, local, snapshot, NOW));
      assertThat(e).as("expected an error").isNotNull();
      assertThat(e.error().status()).isEqualTo(expect.status);
      assertThat(e.error().code()).isEqualTo(expect.code);
      assertThat(e.error().param()).isEqualTo("model");
      return;
    }

    RoutePlan plan = SELECTOR.select(requested, local, snapshot, NOW);
    List<String> ids = plan.candidates().stream().map(c -> c.endpoint().id()).toList();

    assertThat(plan.requested()).isEqualTo(requested);
    assertThat(plan.primary()).isSameAs(plan.candidates().get(0));
    assertThat(ids).as("no endpoint twice").doesNotHaveDuplicates();
    assertThat(ids.subList(0, expect.startsWith.size())).as("order").isEqualTo(expect.startsWith);
    if (!expect.excluded.isEmpty()) {
      assertThat(ids).as("excluded").doesNotContainAnyElementsOf(expect.excluded);
    }
    if (expect.size != null) {
      assertThat(ids).hasSize(expect.size);
    }
    if (expect.primaryModel != null) {
      assertThat(plan.primary().endpoint().model().id()).isEqualTo(expect.primaryModel);
    }
    if (expect.reason != null) {
      assertThat(plan.reason()).isEqualTo(expect.reason);
    }
    if (expect.observed != null) {
      assertThat(plan.candidates().stream().filter(Candidate::observed).map(c -> c.endpoint().id()))
          .containsExactlyInAnyOrderElementsOf(expect.observed);
    }
    if (expect.models != null) {
      assertThat(plan.candidates().stream().map(c -> c.endpoint().model().id()).toList())
          .isEqualTo(expect.models);
    }
    if (expect.onlyModels != null) {
      assertThat(plan.candidates()).allMatch(c -> expect.onlyModels.contains(c.endpoint().model().id()));
    }
    assertInvariants(plan, local, snapshot);
  }

  // ------------------------------------------------------------------ focused checks

  @Test
  void expectedTtftIsTheObservedEwmaOrTheNominal() {
    HealthSnapshot snapshot = snapshot(List.of(up("us-east", "kimi-k2.5@ap-southeast", 480)));
    RoutePlan plan = SELECTOR.select("kimi-k2.5", "us-east", snapshot, NOW);

    Candidate first = plan.primary();
    assertThat(first.observed()).isTrue();
    assertThat(first.expectedTtftMs()).isCloseTo(480, within(1e-9));
    for (Candidate other : plan.candidates().subList(1, plan.candidates().size())) {
      assertThat(other.observed()).isFalse();
      assertThat(other.expectedTtftMs()).isEqualTo(600.0); // catalog-facts: Kimi K2.5, 600 ms
    }
  }

  @Test
  void autoPutsTheChosenTierFirstAndKeepsEveryOtherTierAsFallback() {
    HealthSnapshot snapshot =
        snapshot(List.of(up("us-east", "doubao-seed-lite@us-east", 200), up("us-east", "glm-5@us-east", 100)));
    RoutePlan plan = SELECTOR.select("auto", "us-east", snapshot, NOW);

    List<Tier> tiers = plan.candidates().stream().map(c -> c.endpoint().model().tier()).toList();
    int chosen = CATALOG.modelsOf(Tier.MID_RANGE).size() * 3;
    assertThat(tiers.subList(0, chosen)).containsOnly(Tier.MID_RANGE);
    assertThat(tiers.subList(chosen, tiers.size()))
        .doesNotContain(Tier.MID_RANGE)
        .contains(Tier.ULTRA_BUDGET, Tier.BUDGET, Tier.PREMIUM);
    // The dearer tier keeps its own ranking: its observed endpoint leads its block.
    int firstPremium = tiers.indexOf(Tier.PREMIUM);
    assertThat(plan.candidates().get(firstPremium).endpoint().id()).isEqualTo("glm-5@us-east");
    assertThat(plan.candidates().stream().map(c -> c.endpoint().id()).collect(Collectors.toSet()))
        .hasSize(45);
  }

  @Test
  void stalenessFollowsThePolicy() {
    HealthSnapshot snapshot = snapshot(List.of(staleUp("us-east", "glm-5@eu-west", 10)));
    RoutePlan strict = SELECTOR.select("glm-5", "us-east", snapshot, NOW);
    assertThat(strict.candidates()).noneMatch(Candidate::observed);

    RouteSelector lenient = new RouteSelector(CATALOG, POLICY.withStaleAfterMs(POLICY.staleAfterMs() * 2));
    RoutePlan plan = lenient.select("glm-5", "us-east", snapshot, NOW);
    assertThat(plan.primary().endpoint().id()).isEqualTo("glm-5@eu-west");
    assertThat(plan.primary().observed()).isTrue();
  }

  @Test
  void aRecordAgesIntoStaleness() {
    HealthSnapshot snapshot = snapshot(List.of(down("us-east", "glm-5@eu-west")));
    assertThat(ids(SELECTOR.select("glm-5", "us-east", snapshot, NOW))).doesNotContain("glm-5@eu-west");
    long later = NOW + POLICY.staleAfterMs() + 5_000;
    assertThat(ids(SELECTOR.select("glm-5", "us-east", snapshot, later))).contains("glm-5@eu-west");
  }

  @Test
  void sameInputsSamePlan() {
    HealthSnapshot snapshot =
        snapshot(List.of(up("us-east", "glm-5@eu-west", 300), up("us-east", "glm-5@us-east", 300)));
    List<String> first = ids(SELECTOR.select("auto", "us-east", snapshot, NOW));
    for (int i = 0; i < 5; i++) {
      assertThat(ids(SELECTOR.select("auto", "us-east", snapshot, NOW))).isEqualTo(first);
    }
  }

  @Test
  void planCandidatesAreImmutable() {
    RoutePlan plan = SELECTOR.select("glm-5", "us-east", HealthSnapshot.EMPTY, NOW);
    assertThat(plan.candidates()).isNotEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> plan.candidates().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(SELECTOR.catalog()).isSameAs(CATALOG);
  }

  @Test
  void unknownModelErrorNamesTheModel() {
    OpenAiException e =
        catchThrowableOfType(
            OpenAiException.class, () -> SELECTOR.select("gpt-4o", "us-east", HealthSnapshot.EMPTY, NOW));
    assertThat(e.error()).isEqualTo(OpenAiError.modelNotFound("gpt-4o"));
  }

  /** Random snapshots: the rules hold whatever the mix of fresh, stale, healthy and unhealthy. */
  @Test
  void rulesHoldOnRandomSnapshots() {
    Random random = new Random(20260523);
    List<String> regions = List.of("us-east", "eu-west", "ap-southeast");
    List<String> names = new ArrayList<>(List.of("auto", "budget", "premium", "mid-range", "ultra-budget"));
    CATALOG.models().forEach(m -> names.add(m.id()));
    for (int round = 0; round < 300; round++) {
      List<Obs> obs = new ArrayList<>();
      for (Endpoint endpoint : CATALOG.endpoints()) {
        for (String observer : regions) {
          if (random.nextInt(3) == 0) {
            State state = State.values()[random.nextInt(State.values().length)];
            obs.add(new Obs(observer, endpoint.id(), state, 50 + random.nextInt(2_000)));
          }
        }
      }
      HealthSnapshot snapshot = snapshot(obs);
      String local = regions.get(random.nextInt(regions.size()));
      String requested = names.get(random.nextInt(names.size()));
      RoutePlan plan;
      try {
        plan = SELECTOR.select(requested, local, snapshot, NOW);
      } catch (OpenAiException e) {
        assertThat(e.error().status()).isEqualTo(503);
        assertThat(allFreshUnhealthy(requested, local, snapshot)).as(requested + " " + obs).isTrue();
        continue;
      }
      assertInvariants(plan, local, snapshot);
      assertThat(plan.candidates()).hasSize(countEligible(requested, local, snapshot));
    }
  }

  // ------------------------------------------------------------------ invariants, computed independently

  private static List<String> ids(RoutePlan plan) {
    return plan.candidates().stream().map(c -> c.endpoint().id()).toList();
  }

  private static EndpointHealth localView(HealthSnapshot snapshot, String local, Endpoint endpoint) {
    EndpointHealth h = snapshot.get(new HealthKey(local, endpoint.model().id(), endpoint.region()));
    return h != null && NOW - h.lastObservedAtMs() <= POLICY.staleAfterMs() ? h : null;
  }

  private static List<Endpoint> requestedEndpoints(String requested) {
    if (CATALOG.model(requested) != null) {
      return CATALOG.endpointsOf(requested);
    }
    Tier tier = Tier.fromId(requested);
    if (tier != null) {
      return CATALOG.modelsOf(tier).stream().flatMap(m -> CATALOG.endpointsOf(m.id()).stream()).toList();
    }
    // auto spans every tier, so every chat model; never an embedding model
    return CATALOG.endpoints().stream()
        .filter(e -> e.model().kind() == dev.meridian.core.catalog.ModelKind.CHAT)
        .toList();
  }

  private static int countEligible(String requested, String local, HealthSnapshot snapshot) {
    int n = 0;
    for (Endpoint e : requestedEndpoints(requested)) {
      EndpointHealth h = localView(snapshot, local, e);
      if (h == null || h.healthy()) {
        n++;
      }
    }
    return n;
  }

  private static boolean allFreshUnhealthy(String requested, String local, HealthSnapshot snapshot) {
    return countEligible(requested, local, snapshot) == 0;
  }

  /**
   * Within each block of one tier (the whole plan for a model or a tier; each tier's block for auto):
   * observed before unobserved, observed by EWMA, unobserved by nominal TTFT; nothing the local region
   * freshly saw fail; only local fresh observations marked observed.
   */
  private static void assertInvariants(RoutePlan plan, String local, HealthSnapshot snapshot) {
    List<Candidate> candidates = plan.candidates();
    assertThat(candidates).isNotEmpty();
    boolean auto = plan.requested().equalsIgnoreCase("auto");
    Set<Tier> seenTiers = new HashSet<>();
    Tier currentTier = null;
    Candidate previous = null;
    for (Candidate c : candidates) {
      Tier tier = c.endpoint().model().tier();
      boolean newBlock = auto && tier != currentTier;
      if (newBlock) {
        assertThat(seenTiers.add(tier)).as("each tier forms one block in " + plan).isTrue();
        currentTier = tier;
        previous = null;
      }
      EndpointHealth h = localView(snapshot, local, c.endpoint());
      assertThat(h == null || h.healthy()).as(c.endpoint() + " freshly unhealthy").isTrue();
      boolean shouldBeObserved = h != null && Double.isFinite(h.ewmaTtftMs());
      assertThat(c.observed()).as(c.endpoint() + " observed").isEqualTo(shouldBeObserved);
      double expected = shouldBeObserved ? h.ewmaTtftMs() : c.endpoint().model().nominalTtftMs();
      assertThat(c.expectedTtftMs()).as(c.endpoint() + " expected ttft").isEqualTo(expected);
      if (previous != null) {
        if (previous.observed() == c.observed()) {
          assertThat(c.expectedTtftMs()).as("sorted: " + previous + " then " + c)
              .isGreaterThanOrEqualTo(previous.expectedTtftMs());
        } else {
          assertThat(previous.observed()).as("observed before unobserved: " + previous + " then " + c).isTrue();
        }
      }
      previous = c;
    }
    if (auto) {
      Tier first = candidates.get(0).endpoint().model().tier();
      boolean anyObserved = candidates.stream().anyMatch(Candidate::observed);
      for (Tier cheaper : Arrays.copyOf(Tier.values(), first.ordinal())) {
        // A cheaper tier was passed over: it has no observed healthy endpoint (or, with nothing
        // observed anywhere, no candidate at all).
        assertThat(candidates)
            .filteredOn(c -> c.endpoint().model().tier() == cheaper)
            .as("cheaper tier " + cheaper + " passed over")
            .allMatch(c -> !c.observed() && anyObserved);
      }
      if (anyObserved) {
        assertThat(candidates.get(0).observed()).as("auto picks a measured tier").isTrue();
      }
    }
  }
}
