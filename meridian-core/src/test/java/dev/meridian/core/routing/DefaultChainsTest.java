package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fallback chains shipped in the default catalog do what docs/catalog.md says. */
class DefaultChainsTest {
  static final Catalog CATALOG = CatalogLoader.loadDefault();
  static final long NOW = 1_000_000;

  static EndpointHealth seen(String model, String region, double ttft, double tps) {
    HealthKey key = new HealthKey("us-east", model, region);
    return EndpointHealth.unobserved(key).record(ProbeResult.success(key, NOW, ttft, tps), HealthPolicy.DEFAULT);
  }

  @Test
  void deepseekFlashFallsToQwen32bInEveryRegionBeforeDeepseekPro() {
    RoutePlan plan = new RouteSelector(CATALOG, HealthPolicy.DEFAULT)
        .select("deepseek-v4-flash", "us-east", HealthSnapshot.EMPTY, NOW);
    List<String> models = plan.candidates().stream().map(c -> c.endpoint().model().id()).toList();
    assertThat(models).containsExactly(
        "deepseek-v4-flash", "deepseek-v4-flash", "deepseek-v4-flash",
        "qwen3-32b", "qwen3-32b", "qwen3-32b",
        "deepseek-v4-pro", "deepseek-v4-pro", "deepseek-v4-pro");
  }

  @Test
  void aBudgetEndpointSlowerThanItsThresholdIsTriedAfterTheMidRangeTier() {
    List<EndpointHealth> records = new ArrayList<>();
    records.add(seen("deepseek-v4-flash", "us-east", 900, 60)); // misses maxTtftMs 400
    records.add(seen("qwen3-32b", "us-east", 250, 10));         // misses minTokensPerSecond 30
    records.add(seen("hunyuan-turbos", "us-east", 200, 55));    // meets both
    records.add(seen("glm-4-32b", "us-east", 300, 38));         // mid-range, meets its step
    RoutePlan plan = new RouteSelector(CATALOG, HealthPolicy.DEFAULT)
        .select("budget", "us-east", HealthSnapshot.of(records), NOW);
    List<String> ids = plan.candidates().stream().map(c -> c.endpoint().id()).toList();
    assertThat(ids.get(0)).isEqualTo("hunyuan-turbos@us-east");
    assertThat(ids.indexOf("glm-4-32b@us-east")).isLessThan(ids.indexOf("deepseek-v4-flash@us-east"));
    assertThat(ids.subList(ids.size() - 2, ids.size()))
        .containsExactlyInAnyOrder("deepseek-v4-flash@us-east", "qwen3-32b@us-east");
  }
}
