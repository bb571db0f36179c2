package dev.meridian.core.routing;

import static dev.meridian.core.routing.SmallCatalog.CATALOG;
import static dev.meridian.core.routing.SmallCatalog.LOCAL;
import static dev.meridian.core.routing.SmallCatalog.NOW;
import static dev.meridian.core.routing.SmallCatalog.PLAIN;
import static dev.meridian.core.routing.SmallCatalog.POLICY;
import static dev.meridian.core.routing.SmallCatalog.down;
import static dev.meridian.core.routing.SmallCatalog.endpointIds;
import static dev.meridian.core.routing.SmallCatalog.ids;
import static dev.meridian.core.routing.SmallCatalog.snapshot;
import static dev.meridian.core.routing.SmallCatalog.up;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.routing.EndpointBlocklist.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Route selection with a blocklist: open breakers and providers' 429s, on {@link SmallCatalog}. */
class RouteSelectorBlocklistTest {
  private static final RouteSelector SELECTOR = new RouteSelector(PLAIN, POLICY);
  private static final RouteSelector CHAINS = new RouteSelector(CATALOG, POLICY);

  private static RoutePlan select(String requested, HealthSnapshot snapshot, EndpointBlocklist blocked, long nowMs) {
    return SELECTOR.select(requested, LOCAL, snapshot, blocked, nowMs);
  }

  private static OpenAiException failure(
      RouteSelector selector, String requested, HealthSnapshot snapshot, EndpointBlocklist blocked, long nowMs) {
    OpenAiException e =
        catchThrowableOfType(
            OpenAiException.class, () -> selector.select(requested, LOCAL, snapshot, blocked, nowMs));
    assertThat(e).as("expected an OpenAiException for " + requested).isNotNull();
    return e;
  }

  private static void assertRateLimited(OpenAiException e, String requested, long seconds) {
    assertThat(e.error().status()).isEqualTo(429);
    assertThat(e.error().code()).isEqualTo("upstream_rate_limited");
    assertThat(e.error().type()).isEqualTo(OpenAiError.RATE_LIMIT);
    assertThat(e.error()).isEqualTo(OpenAiError.allRateLimited(requested, seconds));
    assertThat(e.retryAfterSeconds()).isEqualTo(seconds);
  }

  private static void assertNoHealthyEndpoint(OpenAiException e, String requested) {
    assertThat(e.error().status()).isEqualTo(503);
    assertThat(e.error().code()).isEqualTo("no_healthy_endpoint");
    assertThat(e.error()).isEqualTo(OpenAiError.noHealthyEndpoint(requested));
    assertThat(e.retryAfterSeconds()).isEqualTo(-1);
  }

  private static EndpointBlocklist blockAll(Iterable<String> endpointIds, long untilMs, Reason reason) {
    EndpointBlocklist list = EndpointBlocklist.EMPTY;
    for (String id : endpointIds) {
      list = list.extend(id, untilMs, reason);
    }
    return list;
  }

  // ---------------------------------------------------------------- skipped while blocked

  @ParameterizedTest(name = "{0}")
  @EnumSource(Reason.class)
  void aBlockedEndpointIsSkippedUntilItsDeadline(Reason reason) {
    HealthSnapshot snapshot = snapshot(up("c@us-east", 50), up("c@eu-west", 200));
    EndpointBlocklist blocked = EndpointBlocklist.EMPTY.extend("c@us-east", NOW + 5_000, reason);

    assertThat(ids(select("c", snapshot, EndpointBlocklist.EMPTY, NOW))).containsExactly("c@us-east", "c@eu-west");
    assertThat(ids(select("c", snapshot, blocked, NOW))).containsExactly("c@eu-west");
    assertThat(ids(select("c", snapshot, blocked, NOW + 4_999))).containsExactly("c@eu-west");
    // At the deadline it is back, with its observed ranking.
    RoutePlan after = select("c", snapshot, blocked, NOW + 5_000);
    assertThat(ids(after)).containsExactly("c@us-east", "c@eu-west");
    assertThat(after.primary().observed()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Reason.class)
  void blocksApplyToTiersAndAuto(Reason reason) {
    EndpointBlocklist blocked =
        EndpointBlocklist.EMPTY.extend("d@us-east", NOW + 1_000, reason).extend("a@eu-west", NOW + 1_000, reason);

    assertThat(ids(select("budget", HealthSnapshot.EMPTY, blocked, NOW))).containsExactly("e@eu-west", "e@us-east");
    assertThat(ids(select("auto", HealthSnapshot.EMPTY, blocked, NOW)))
        .doesNotContain("d@us-east", "a@eu-west")
        .hasSize(PLAIN.endpoints().size() - 2);
  }

  @Test
  void aBlockOnAnotherEndpointChangesNothing() {
    HealthSnapshot snapshot = snapshot(up("c@us-east", 50));
    EndpointBlocklist blocked =
        EndpointBlocklist.EMPTY
            .extend("a@us-east", NOW + 60_000, Reason.BREAKER_OPEN)
            .extend("unknown@nowhere", NOW + 60_000, Reason.RATE_LIMITED);
    assertThat(select("c", snapshot, blocked, NOW)).isEqualTo(select("c", snapshot, EndpointBlocklist.EMPTY, NOW));
  }

  @Test
  void autoDoesNotChooseATierWhoseOnlyMeasuredEndpointIsBlocked() {
    HealthSnapshot snapshot = snapshot(up("u@us-east", 80), up("c@us-east", 300));
    EndpointBlocklist blocked = EndpointBlocklist.EMPTY.extend("u@us-east", NOW + 10_000, Reason.BREAKER_OPEN);

    RoutePlan plan = select("auto", snapshot, blocked, NOW);

    assertThat(plan.reason()).isEqualTo("auto tier=mid-range");
    assertThat(plan.primary().endpoint().id()).isEqualTo("c@us-east");
    assertThat(ids(plan)).doesNotContain("u@us-east");
    assertThat(select("auto", snapshot, blocked, NOW + 10_000).reason()).isEqualTo("auto tier=ultra-budget");
  }

  @Test
  void blockedEndpointsInAChainAreSkippedAndTheChainCarriesOn() {
    EndpointBlocklist blocked =
        blockAll(endpointIds(CATALOG, "a"), NOW + 30_000, Reason.RATE_LIMITED)
            .extend("b@eu-west", NOW + 30_000, Reason.BREAKER_OPEN);

    RoutePlan plan = CHAINS.select("a", LOCAL, HealthSnapshot.EMPTY, blocked, NOW);

    assertThat(ids(plan)).containsExactly("b@ap-southeast", "b@us-east", "c@eu-west", "c@us-east");
  }

  // ---------------------------------------------------------------- 429: rate limits emptied the plan

  @Test
  void everyCandidateExcludedAndOneRateLimitedIs429WithTheWait() {
    EndpointBlocklist blocked =
        EndpointBlocklist.EMPTY
            .extend("c@us-east", NOW + 2_500, Reason.RATE_LIMITED)
            .extend("c@eu-west", NOW + 60_000, Reason.BREAKER_OPEN);

    OpenAiException e = failure(SELECTOR, "c", HealthSnapshot.EMPTY, blocked, NOW);

    assertRateLimited(e, "c", 3);
    assertThat(e.error().message()).contains("'c'").contains("3 s");
  }

  @Test
  void aRateLimitBesideAnUnhealthyEndpointIsStill429() {
    EndpointBlocklist blocked = EndpointBlocklist.EMPTY.extend("c@us-east", NOW + 1_000, Reason.RATE_LIMITED);
    assertRateLimited(failure(SELECTOR, "c", snapshot(down("c@eu-west")), blocked, NOW), "c", 1);
  }

  @Test
  void theWaitIsUntilTheEarliestRateLimitEnds() {
    EndpointBlocklist blocked =
        EndpointBlocklist.EMPTY
            .extend("c@us-east", NOW + 10_000, Reason.RATE_LIMITED)
            .extend("c@eu-west", NOW + 1_001, Reason.RATE_LIMITED);
    assertRateLimited(failure(SELECTOR, "c", HealthSnapshot.EMPTY, blocked, NOW), "c", 2);
  }

  @Test
  void onlyRateLimitsSetTheWait() {
    // The breaker ends sooner than the rate limit, yet Retry-After follows the rate limit alone.
    EndpointBlocklist blocked =
        EndpointBlocklist.EMPTY
            .extend("c@us-east", NOW + 4_000, Reason.RATE_LIMITED)
            .extend("c@eu-west", NOW + 500, Reason.BREAKER_OPEN);
    assertRateLimited(failure(SELECTOR, "c", HealthSnapshot.EMPTY, blocked, NOW), "c", 4);
  }

  @ParameterizedTest(name = "{0} ms left -> Retry-After {1}")
  @CsvSource({"1, 1", "999, 1", "1000, 1", "1001, 2", "2500, 3", "3000, 3", "59999, 60", "60000, 60"})
  void retryAfterIsTheRemainingWaitRoundedUpToWholeSeconds(long remainingMs, long seconds) {
    EndpointBlocklist blocked =
        blockAll(endpointIds(PLAIN, "c"), NOW + remainingMs, Reason.RATE_LIMITED);
    assertRateLimited(failure(SELECTOR, "c", HealthSnapshot.EMPTY, blocked, NOW), "c", seconds);
  }

  @Test
  void rateLimitedTierIs429NamingTheTier() {
    EndpointBlocklist blocked = blockAll(endpointIds(PLAIN, "d", "e"), NOW + 7_000, Reason.RATE_LIMITED);
    assertRateLimited(failure(SELECTOR, "budget", HealthSnapshot.EMPTY, blocked, NOW), "budget", 7);
  }

  @Test
  void autoWithEverythingExcludedAndOneRateLimitIs429() {
    EndpointBlocklist blocked =
        blockAll(PLAIN.endpoints().stream().map(Endpoint::id).toList(), NOW + 90_000, Reason.BREAKER_OPEN)
            .lift("a@ap-southeast")
            .extend("a@ap-southeast", NOW + 12_000, Reason.RATE_LIMITED);

    assertRateLimited(failure(SELECTOR, "auto", HealthSnapshot.EMPTY, blocked, NOW), "auto", 12);
  }

  @Test
  void aRateLimitedChainIs429() {
    EndpointBlocklist blocked =
        blockAll(endpointIds(CATALOG, "a", "b"), NOW + 5_000, Reason.RATE_LIMITED);
    HealthSnapshot snapshot = snapshot(down("c@us-east"), down("c@eu-west"));
    assertRateLimited(failure(CHAINS, "a", snapshot, blocked, NOW), "a", 5);
  }

  @Test
  void oneEndpointLeftMeansAPlanNotA429() {
    EndpointBlocklist blocked = EndpointBlocklist.EMPTY.extend("c@us-east", NOW + 5_000, Reason.RATE_LIMITED);
    assertThat(ids(select("c", HealthSnapshot.EMPTY, blocked, NOW))).containsExactly("c@eu-west");
  }

  // ---------------------------------------------------------------- 503: nothing rate limited

  @Test
  void onlyOpenBreakersIs503() {
    EndpointBlocklist blocked = blockAll(endpointIds(PLAIN, "c"), NOW + 30_000, Reason.BREAKER_OPEN);
    assertNoHealthyEndpoint(failure(SELECTOR, "c", HealthSnapshot.EMPTY, blocked, NOW), "c");
  }

  @Test
  void openBreakerAndUnhealthyIs503() {
    EndpointBlocklist blocked = EndpointBlocklist.EMPTY.extend("c@us-east", NOW + 30_000, Reason.BREAKER_OPEN);
    assertNoHealthyEndpoint(failure(SELECTOR, "c", snapshot(down("c@eu-west")), blocked, NOW), "c");
  }

  @Test
  void onlyUnhealthyIs503() {
    assertNoHealthyEndpoint(
        failure(SELECTOR, "c", snapshot(down("c@eu-west"), down("c@us-east")), EndpointBlocklist.EMPTY, NOW), "c");
  }

  @Test
  void anExpiredRateLimitIsNoReasonFor429() {
    // The rate limit is over, but the endpoint is unhealthy: that is a 503.
    EndpointBlocklist blocked =
        EndpointBlocklist.EMPTY
            .extend("c@us-east", NOW, Reason.RATE_LIMITED)
            .extend("c@eu-west", NOW + 30_000, Reason.BREAKER_OPEN);
    assertNoHealthyEndpoint(failure(SELECTOR, "c", snapshot(down("c@us-east")), blocked, NOW), "c");
  }

  @Test
  void autoWithOnlyBreakersAndUnhealthyIs503() {
    EndpointBlocklist blocked =
        blockAll(PLAIN.endpoints().stream().map(Endpoint::id).toList(), NOW + 30_000, Reason.BREAKER_OPEN)
            .lift("u@us-east");
    assertNoHealthyEndpoint(failure(SELECTOR, "auto", snapshot(down("u@us-east")), blocked, NOW), "auto");
  }

  @Test
  void anUnknownModelIs404EvenWhenEverythingIsRateLimited() {
    EndpointBlocklist blocked =
        blockAll(PLAIN.endpoints().stream().map(Endpoint::id).toList(), NOW + 30_000, Reason.RATE_LIMITED);
    OpenAiException e = failure(SELECTOR, "gpt-4o", HealthSnapshot.EMPTY, blocked, NOW);
    assertThat(e.error()).isEqualTo(OpenAiError.modelNotFound("gpt-4o"));
  }

  // ---------------------------------------------------------------- the default catalog

  @Test
  void theDefaultCatalogHonoursBlocksToo() {
    Catalog catalog = RouteSelectorTest.withoutChains(CatalogLoader.loadDefault());
    RouteSelector selector = new RouteSelector(catalog, POLICY);
    EndpointBlocklist blocked =
        blockAll(endpointIds(catalog, "glm-5"), NOW + 1_500, Reason.RATE_LIMITED).lift("glm-5@eu-west");

    RoutePlan plan = selector.select("glm-5", "us-east", HealthSnapshot.EMPTY, blocked, NOW);
    assertThat(ids(plan)).containsExactly("glm-5@eu-west");
    // The old signature sees nothing blocked.
    assertThat(selector.select("glm-5", "us-east", HealthSnapshot.EMPTY, NOW).candidates()).hasSize(3);

    EndpointBlocklist all = blocked.extend("glm-5@eu-west", NOW + 20_000, Reason.BREAKER_OPEN);
    assertRateLimited(failure(selector, "glm-5", HealthSnapshot.EMPTY, all, NOW), "glm-5", 2);
  }
}
