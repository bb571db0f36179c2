package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import java.util.List;

/**
 * A twelve-endpoint catalog small enough to spell out whole plans, with fallback chains, plus helpers
 * to state what the local region observed. Every model is served by provider {@code p}:
 *
 * <pre>
 *   u  ultra-budget  us-east                        nominal 100 ms
 *   d  budget        us-east                        nominal 200 ms
 *   e  budget        us-east, eu-west               nominal 250 ms
 *   c  mid-range     us-east, eu-west               nominal 300 ms
 *   a  premium       us-east, eu-west, ap-southeast nominal 500 ms
 *   b  premium       us-east, eu-west, ap-southeast nominal 600 ms
 * </pre>
 *
 * Chains: {@code a -> [a (maxTtftMs 300, minTokensPerSecond 20), b, c]}, {@code b -> [b, tier premium]}
 * (b again: a duplicate), {@code budget -> [tier budget, b]}.
 */
final class SmallCatalog {
  static final long NOW = 1_800_000_000_000L;
  static final String LOCAL = "us-east";
  static final HealthPolicy POLICY = HealthPolicy.DEFAULT;

  private static final String MODELS =
      """
        "regions": [{"id": "us-east"}, {"id": "eu-west"}, {"id": "ap-southeast"}],
        "providers": [{"id": "p", "apiKeyEnv": "P_KEY", "baseUrls": {
          "us-east": "http://us/v1", "eu-west": "http://eu/v1", "ap-southeast": "http://ap/v1"}}],
        "models": [
          {"id": "u", "provider": "p", "tier": "ultra-budget", "regions": ["us-east"],
           "price": {"inputPerMillion": 0.01, "outputPerMillion": 0.05}, "nominal": {"ttftMs": 100, "tokensPerSecond": 80}},
          {"id": "d", "provider": "p", "tier": "budget", "regions": ["us-east"],
           "price": {"inputPerMillion": 0.05, "outputPerMillion": 0.2}, "nominal": {"ttftMs": 200, "tokensPerSecond": 55}},
          {"id": "e", "provider": "p", "tier": "budget", "regions": ["us-east", "eu-west"],
           "price": {"inputPerMillion": 0.05, "outputPerMillion": 0.25}, "nominal": {"ttftMs": 250, "tokensPerSecond": 50}},
          {"id": "c", "provider": "p", "tier": "mid-range", "regions": ["us-east", "eu-west"],
           "price": {"inputPerMillion": 0.1, "outputPerMillion": 0.5}, "nominal": {"ttftMs": 300, "tokensPerSecond": 40}},
          {"id": "a", "provider": "p", "tier": "premium",
           "price": {"inputPerMillion": 0.5, "outputPerMillion": 2}, "nominal": {"ttftMs": 500, "tokensPerSecond": 25}},
          {"id": "b", "provider": "p", "tier": "premium",
           "price": {"inputPerMillion": 0.5, "outputPerMillion": 2.5}, "nominal": {"ttftMs": 600, "tokensPerSecond": 20}}
        ]
      """;

  private static final String CHAINS =
      """
        "fallbacks": {
          "a": [{"model": "a", "maxTtftMs": 300, "minTokensPerSecond": 20}, {"model": "b"}, {"model": "c"}],
          "b": [{"model": "b"}, {"tier": "premium"}],
          "budget": [{"tier": "budget"}, {"model": "b"}]
        },
      """;

  /** With the chains. */
  static final Catalog CATALOG =
      CatalogLoader.parse("{\"version\": \"small-chains\",\n" + CHAINS + MODELS + "}", "small-chains.json");

  /** The same models without any chain. */
  static final Catalog PLAIN = CatalogLoader.parse("{\"version\": \"small\",\n" + MODELS + "}", "small.json");

  private SmallCatalog() {}

  static HealthKey key(String endpointId) {
    String[] parts = endpointId.split("@");
    return new HealthKey(LOCAL, parts[0], parts[1]);
  }

  /** A fresh healthy observation from the local region. */
  static EndpointHealth up(String endpointId, double ttftMs, double tokensPerSecond) {
    HealthKey key = key(endpointId);
    return EndpointHealth.unobserved(key)
        .record(ProbeResult.success(key, NOW - 1_000, ttftMs, tokensPerSecond), POLICY);
  }

  static EndpointHealth up(String endpointId, double ttftMs) {
    return up(endpointId, ttftMs, 50);
  }

  /** A fresh unhealthy observation: it worked once, then failed K times. */
  static EndpointHealth down(String endpointId) {
    HealthKey key = key(endpointId);
    EndpointHealth h =
        EndpointHealth.unobserved(key).record(ProbeResult.success(key, NOW - 20_000, 100, 50), POLICY);
    for (int i = 0; i < POLICY.failureThreshold(); i++) {
      h = h.record(ProbeResult.failure(key, NOW - 3_000 + i, ProbeOutcome.CONNECT_ERROR, 0, "refused"), POLICY);
    }
    assertThat(h.healthy()).isFalse();
    return h;
  }

  static HealthSnapshot snapshot(EndpointHealth... records) {
    return HealthSnapshot.of(List.of(records));
  }

  static List<String> ids(RoutePlan plan) {
    return plan.candidates().stream().map(c -> c.endpoint().id()).toList();
  }

  static List<String> endpointIds(Catalog catalog, String... models) {
    return java.util.Arrays.stream(models)
        .flatMap(m -> catalog.endpointsOf(m).stream())
        .map(dev.meridian.core.catalog.Endpoint::id)
        .toList();
  }
}
