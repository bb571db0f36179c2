package dev.meridian.core.routing;

import static dev.meridian.core.routing.SmallCatalog.CATALOG;
import static dev.meridian.core.routing.SmallCatalog.LOCAL;
import static dev.meridian.core.routing.SmallCatalog.NOW;
import static dev.meridian.core.routing.SmallCatalog.PLAIN;
import static dev.meridian.core.routing.SmallCatalog.POLICY;
import static dev.meridian.core.routing.SmallCatalog.down;
import static dev.meridian.core.routing.SmallCatalog.ids;
import static dev.meridian.core.routing.SmallCatalog.snapshot;
import static dev.meridian.core.routing.SmallCatalog.up;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.health.HealthSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fallback chains in route selection, on {@link SmallCatalog}: a's chain is
 * {@code [a (maxTtftMs 300, minTokensPerSecond 20), b, c]}.
 */
class RouteSelectorChainTest {
  private static final RouteSelector SELECTOR = new RouteSelector(CATALOG, POLICY);
  private static final RouteSelector PLAIN_SELECTOR = new RouteSelector(PLAIN, POLICY);

  private static RoutePlan select(String requested, HealthSnapshot snapshot) {
    return SELECTOR.select(requested, LOCAL, snapshot, EndpointBlocklist.EMPTY, NOW);
  }

  // ---------------------------------------------------------------- a model's chain

  @Test
  void stepsInOrderAndAnObservedEndpointMissingTheThresholdGoesToTheVeryEnd() {
    HealthSnapshot snapshot =
        snapshot(
            up("a@us-east", 250),
            up("a@eu-west", 200),
            up("a@ap-southeast", 400), // misses maxTtftMs 300
            up("b@eu-west", 100),
            up("c@us-east", 50));

    RoutePlan plan = select("a", snapshot);

    assertThat(ids(plan))
        .containsExactly(
            "a@eu-west", "a@us-east", // a's admitted endpoints, by observed latency
            "b@eu-west", "b@ap-southeast", "b@us-east", // b: observed first, then nominal (tie by id)
            "c@us-east", "c@eu-west", // c
            "a@ap-southeast"); // too slow for its step: last resort, after every step
    assertThat(plan.reason()).isEqualTo("model=a chain=3");
    assertThat(plan.reason()).contains("chain");
    Candidate last = plan.candidates().get(plan.candidates().size() - 1);
    assertThat(last.observed()).isTrue();
    assertThat(last.expectedTtftMs()).isEqualTo(400.0);
  }

  @Test
  void withNothingObservedEveryStepKeepsItsPlace() {
    RoutePlan plan = select("a", HealthSnapshot.EMPTY);
    assertThat(ids(plan))
        .containsExactly(
            "a@ap-southeast", "a@eu-west", "a@us-east",
            "b@ap-southeast", "b@eu-west", "b@us-east",
            "c@eu-west", "c@us-east");
    assertThat(plan.candidates()).noneMatch(Candidate::observed);
  }

  @Test
  void theSameModelInTheNextRegionComesBeforeTheNextModel() {
    // a in a far region, just within the limit, beats b and c measured much faster close by.
    HealthSnapshot snapshot =
        snapshot(up("a@ap-southeast", 290), up("b@us-east", 20), up("c@us-east", 10), up("c@eu-west", 15));

    List<String> ids = ids(select("a", snapshot));

    assertThat(ids.subList(0, 3)).containsExactly("a@ap-southeast", "a@eu-west", "a@us-east");
    assertThat(ids.subList(3, 6)).startsWith("b@us-east").containsOnly("b@us-east", "b@eu-west", "b@ap-southeast");
    assertThat(ids.subList(6, 8)).containsExactly("c@us-east", "c@eu-west");
  }

  @Test
  void tooSlowInTokensPerSecondAlsoGoesToTheEnd() {
    HealthSnapshot snapshot = snapshot(up("a@us-east", 100, 10), up("a@eu-west", 250, 30));

    List<String> ids = ids(select("a", snapshot));

    assertThat(ids).startsWith("a@eu-west", "a@ap-southeast").endsWith("a@us-east").hasSize(8);
  }

  @Test
  void theThresholdsAreInclusive() {
    HealthSnapshot snapshot = snapshot(up("a@us-east", 300, 20));
    assertThat(ids(select("a", snapshot))).startsWith("a@us-east").endsWith("c@us-east");
  }

  @Test
  void severalTooSlowEndpointsFollowEveryStepByLatency() {
    HealthSnapshot snapshot =
        snapshot(up("a@us-east", 900), up("a@eu-west", 400), up("a@ap-southeast", 350), up("c@eu-west", 5_000));

    List<String> ids = ids(select("a", snapshot));

    assertThat(ids)
        .containsExactly(
            "b@ap-southeast", "b@eu-west", "b@us-east",
            "c@eu-west", "c@us-east", // c's step has no limit: 5 s is still c's first
            "a@ap-southeast", "a@eu-west", "a@us-east");
  }

  @Test
  void aSlowEndpointBeatsA503() {
    HealthSnapshot snapshot =
        snapshot(
            up("a@us-east", 2_000), down("a@eu-west"), down("a@ap-southeast"),
            down("b@us-east"), down("b@eu-west"), down("b@ap-southeast"),
            down("c@us-east"), down("c@eu-west"));

    RoutePlan plan = select("a", snapshot);

    assertThat(ids(plan)).containsExactly("a@us-east");
  }

  @Test
  void unhealthyEndpointsAreExcludedFromEveryStep() {
    HealthSnapshot snapshot = snapshot(down("a@eu-west"), down("b@us-east"), down("c@eu-west"), up("a@us-east", 100));
    assertThat(ids(select("a", snapshot)))
        .containsExactly("a@us-east", "a@ap-southeast", "b@ap-southeast", "b@eu-west", "c@us-east");
  }

  @Test
  void aModelWithoutAChainServesOnlyItself() {
    RoutePlan plan = select("c", snapshot(up("a@us-east", 10)));
    assertThat(ids(plan)).containsExactly("c@eu-west", "c@us-east");
    assertThat(plan.reason()).isEqualTo("model=c");
  }

  @Test
  void duplicatesAcrossStepsAppearOnce() {
    // b's chain is [b, tier premium]: b comes back in the tier step and is skipped there.
    HealthSnapshot snapshot = snapshot(up("b@us-east", 100), up("a@us-east", 50));

    RoutePlan plan = select("b", snapshot);

    assertThat(ids(plan))
        .containsExactly("b@us-east", "b@ap-southeast", "b@eu-west", "a@us-east", "a@ap-southeast", "a@eu-west")
        .doesNotHaveDuplicates();
    assertThat(plan.reason()).isEqualTo("model=b chain=2");
  }

  @Test
  void anEndpointExcludedInItsFirstStepDoesNotComeBackInALaterOne() {
    HealthSnapshot snapshot = snapshot(down("b@eu-west"));
    assertThat(ids(select("b", snapshot))).doesNotContain("b@eu-west").hasSize(5);
  }

  @Test
  void aChainIsUsedOnlyForTheNameItIsConfiguredFor() {
    // b's chain pulls in a; a request for a uses a's own chain, which does not fall back to b's chain.
    RoutePlan forA = select("a", HealthSnapshot.EMPTY);
    assertThat(forA.candidates()).extracting(c -> c.endpoint().model().id()).containsOnly("a", "b", "c");
    // Without chains a model serves only itself.
    RoutePlan plain = PLAIN_SELECTOR.select("a", LOCAL, HealthSnapshot.EMPTY, EndpointBlocklist.EMPTY, NOW);
    assertThat(ids(plain)).containsExactly("a@ap-southeast", "a@eu-west", "a@us-east");
    assertThat(plain.reason()).isEqualTo("model=a");
  }

  // ---------------------------------------------------------------- a tier's chain

  @Test
  void aTierChainIsUsedForTierRequests() {
    RoutePlan plan = select("budget", snapshot(up("b@us-east", 10)));

    assertThat(ids(plan))
        .containsExactly("d@us-east", "e@eu-west", "e@us-east", "b@us-east", "b@ap-southeast", "b@eu-west");
    assertThat(plan.reason()).startsWith("tier=budget");

    RoutePlan plain = PLAIN_SELECTOR.select("budget", LOCAL, snapshot(up("b@us-east", 10)), EndpointBlocklist.EMPTY, NOW);
    assertThat(ids(plain)).containsExactly("d@us-east", "e@eu-west", "e@us-east");
    assertThat(plain.reason()).isEqualTo("tier=budget");
  }

  @Test
  void aTierChainIsFoundWhateverTheCaseOfTheRequest() {
    assertThat(ids(select("BUDGET", HealthSnapshot.EMPTY))).hasSize(6).endsWith("b@us-east");
  }

  @Test
  void aTierChainIsUsedForAuto() {
    // budget is the cheapest tier with a measured endpoint; its chain brings b in right behind it,
    // ahead of the cheaper and mid tiers that auto would otherwise try next.
    HealthSnapshot snapshot = snapshot(up("d@us-east", 150));

    RoutePlan plan = select("auto", snapshot);

    assertThat(ids(plan))
        .containsExactly(
            "d@us-east", "e@eu-west", "e@us-east", // budget, the chosen tier
            "b@ap-southeast", "b@eu-west", "b@us-east", // budget's chain: b
            "c@eu-west", "c@us-east", // escalation: the dearer tiers, cheapest first
            "a@ap-southeast", "a@eu-west", "a@us-east", // premium without the b already listed
            "u@us-east") // a cheaper tier only as the last resort
        .doesNotHaveDuplicates();
    assertThat(plan.reason()).isEqualTo("auto tier=budget");

    RoutePlan plain = PLAIN_SELECTOR.select("auto", LOCAL, snapshot, EndpointBlocklist.EMPTY, NOW);
    assertThat(ids(plain))
        .containsExactly(
            "d@us-east", "e@eu-west", "e@us-east", "c@eu-west", "c@us-east",
            "a@ap-southeast", "a@eu-west", "a@us-east", "b@ap-southeast", "b@eu-west", "b@us-east", "u@us-east");
  }

  @Test
  void autoListsEveryEndpointOnce() {
    RoutePlan plan = select("auto", HealthSnapshot.EMPTY);
    assertThat(ids(plan)).doesNotHaveDuplicates().hasSize(CATALOG.endpoints().size());
    assertThat(plan.reason()).isEqualTo("auto tier=ultra-budget");
  }

  // ---------------------------------------------------------------- the 4-argument select

  @Test
  void theFourArgumentSelectIsTheFiveArgumentOneWithNothingBlocked() {
    HealthSnapshot snapshot =
        snapshot(up("a@us-east", 250), up("a@ap-southeast", 400), down("b@eu-west"), up("d@us-east", 150));
    for (String name : List.of("a", "b", "c", "d", "e", "u", "budget", "premium", "mid-range", "ultra-budget", "auto")) {
      RoutePlan four = SELECTOR.select(name, LOCAL, snapshot, NOW);
      RoutePlan five = SELECTOR.select(name, LOCAL, snapshot, EndpointBlocklist.EMPTY, NOW);
      assertThat(four).as(name).isEqualTo(five);
    }
  }
}
