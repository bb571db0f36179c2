package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.tenancy.BudgetPeriod;
import dev.meridian.core.tenancy.ClientKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A key's allow list bounds every candidate, fallbacks included (the default catalog has chains). */
class RouteSelectorClientKeyTest {
  private static final Catalog CATALOG = CatalogLoader.loadDefault();
  private static final RouteSelector SELECTOR = new RouteSelector(CATALOG, HealthPolicy.DEFAULT);
  private static final long NOW = 1_800_000_000_000L;

  private static ClientKey allowing(String... entries) {
    return new ClientKey("k", "0".repeat(64), Set.of(entries), 0, 0, 0, BudgetPeriod.DAY, 0, 0);
  }

  private static RoutePlan select(String requested, ClientKey key) {
    return SELECTOR.select(requested, "us-east", HealthSnapshot.EMPTY, EndpointBlocklist.EMPTY, NOW, null,
        RoutingPreferences.DEFAULT.forClient(key));
  }

  @Test
  void fallbacksStayInsideWhatTheKeyAllows() {
    RoutePlan open = select("deepseek-v4-flash", null);
    assertThat(open.candidates()).extracting(c -> c.endpoint().model().id()).contains("deepseek-v4-flash")
        .anyMatch(id -> !id.equals("deepseek-v4-flash"));

    RoutePlan limited = select("deepseek-v4-flash", allowing("deepseek-v4-flash"));
    assertThat(limited.candidates()).isNotEmpty()
        .allMatch(c -> c.endpoint().model().id().equals("deepseek-v4-flash"));
  }

  @Test
  void aTierRequestOnlyMeetsAllowedModels() {
    RoutePlan plan = select("premium", allowing("premium", "kimi-k2.5"));
    assertThat(plan.candidates()).isNotEmpty();
    RoutePlan onlyKimi = select("premium", allowing("kimi-k2.5"));
    assertThat(onlyKimi.candidates()).allMatch(c -> c.endpoint().model().id().equals("kimi-k2.5"));
  }

  @Test
  void nothingAllowedIsA403NamingTheKey() {
    assertThatThrownBy(() -> select("premium", allowing("qwen3-8b")))
        .isInstanceOfSatisfying(OpenAiException.class, e -> {
          assertThat(e.error().status()).isEqualTo(403);
          assertThat(e.error().code()).isEqualTo(RouteSelector.MODEL_NOT_ALLOWED);
          assertThat(e.error().message()).contains("API key 'k'");
        });
  }
}
