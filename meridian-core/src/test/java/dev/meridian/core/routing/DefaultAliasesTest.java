package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogException;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.ModelKind;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.tenancy.BudgetPeriod;
import dev.meridian.core.tenancy.ClientKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The default catalog's aliases for coding agents, as routing, keys and the catalog loader see them. */
class DefaultAliasesTest {
  static final Catalog CATALOG = CatalogLoader.loadDefault();
  static final RouteSelector SELECTOR = new RouteSelector(CATALOG, HealthPolicy.DEFAULT);
  static final long NOW = 1_800_000_000_000L;

  static List<String> models(RoutePlan plan) {
    return plan.candidates().stream().map(c -> c.endpoint().model().id()).distinct().toList();
  }

  static List<String> codingModels(Tier tier) {
    return CATALOG.models().stream()
        .filter(m -> m.kind() == ModelKind.CHAT && m.tier() == tier && m.has("code"))
        .map(ModelSpec::id).toList();
  }

  @Test
  void haikuClassNamesTryTheBudgetCodingModelsFirstThenMidRange() {
    RoutePlan plan = SELECTOR.select("claude-haiku-4-5-20251001", "us-east", HealthSnapshot.EMPTY, NOW);
    List<String> budget = codingModels(Tier.BUDGET);
    assertThat(budget).isNotEmpty();
    List<String> served = models(plan);
    assertThat(served.subList(0, budget.size())).containsExactlyInAnyOrderElementsOf(budget);
    assertThat(served.subList(budget.size(), served.size())).containsExactlyInAnyOrderElementsOf(codingModels(Tier.MID_RANGE));
    assertThat(plan.requested()).isEqualTo("claude-haiku-4-5-20251001");
    assertThat(plan.reason()).startsWith("alias=claude-*haiku*");
  }

  @Test
  void sonnetAndOpusClassNamesStayOnCodingModelsOfTheirTiers() {
    List<String> sonnet = models(SELECTOR.select("claude-sonnet-4-5", "us-east", HealthSnapshot.EMPTY, NOW));
    assertThat(sonnet).allMatch(id -> CATALOG.model(id).has("code"))
        .allMatch(id -> CATALOG.model(id).tier() == Tier.MID_RANGE || CATALOG.model(id).tier() == Tier.PREMIUM);
    assertThat(CATALOG.model(sonnet.get(0)).tier()).isEqualTo(Tier.MID_RANGE);
    List<String> opus = models(SELECTOR.select("claude-opus-4-1-20250805", "us-east", HealthSnapshot.EMPTY, NOW));
    assertThat(opus).containsExactlyInAnyOrderElementsOf(codingModels(Tier.PREMIUM));
  }

  @Test
  void aRequestWithToolsNarrowsAnAliasToModelsThatCallTools() {
    RequestProfile tools = RequestProfile.of(dev.meridian.core.openai.ChatRequestParser.validate(new JsonObject().put("model", "claude-opus-4-1")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "fix it")))
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function")
            .put("function", new JsonObject().put("name", "read_file").put("parameters", new JsonObject()))))));
    RoutePlan plan = SELECTOR.select("claude-opus-4-1", "us-east", HealthSnapshot.EMPTY, EndpointBlocklist.EMPTY, NOW,
        tools, RoutingPreferences.DEFAULT);
    assertThat(models(plan)).isNotEmpty().allMatch(id -> CATALOG.model(id).has("tools"));
    // deepseek-r1 codes but calls no tools: in the plan without tools, not with them.
    assertThat(models(SELECTOR.select("claude-opus-4-1", "us-east", HealthSnapshot.EMPTY, NOW))).contains("deepseek-r1");
    assertThat(models(plan)).doesNotContain("deepseek-r1");
  }

  @Test
  void namesNoAliasMatchesAreStillUnknown() {
    assertThatThrownBy(() -> SELECTOR.select("claude-instant-1", "us-east", HealthSnapshot.EMPTY, NOW))
        .isInstanceOf(OpenAiException.class)
        .satisfies(e -> assertThat(((OpenAiException) e).error().status()).isEqualTo(404));
  }

  static ClientKey allowing(String... entries) {
    return new ClientKey("k", "0".repeat(64), Set.of(entries), 0, 0, 0, BudgetPeriod.DAY, 0, 0);
  }

  @Test
  void aKeyMayUseAnAliasItNamesOrWhoseChainReachesAModelItMaySpendOn() {
    assertThat(allowing("deepseek-v4-flash").mayRequest("claude-haiku-4-5", CATALOG)).isTrue();
    assertThat(allowing("deepseek-v4-flash").mayRequest("claude-sonnet-4-5", CATALOG)).isFalse();
    assertThat(allowing("premium").mayRequest("claude-opus-4-1", CATALOG)).isTrue();
    assertThat(allowing("premium").mayRequest("claude-haiku-4-5", CATALOG)).isFalse();
    assertThat(allowing("claude-*haiku*").mayRequest("claude-3-5-haiku-latest", CATALOG)).isTrue();
    // Routing then keeps to what the key may spend on.
    RoutePlan plan = SELECTOR.select("claude-haiku-4-5", "us-east", HealthSnapshot.EMPTY, EndpointBlocklist.EMPTY, NOW,
        null, RoutingPreferences.DEFAULT.forClient(allowing("deepseek-v4-flash")));
    assertThat(models(plan)).containsExactly("deepseek-v4-flash");
  }

  @Test
  void embeddingSurfacesRefuseAnAliasAsTheyRefuseTiers() {
    assertThat(ModelKind.mismatch(CATALOG, "claude-haiku-4-5", ModelKind.EMBEDDING)).isNotNull();
    assertThat(ModelKind.mismatch(CATALOG, "claude-haiku-4-5", ModelKind.CHAT)).isNull();
  }

  static JsonObject defaultJson() throws IOException {
    try (InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(CatalogLoader.DEFAULT_RESOURCE)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static Catalog withAliases(JsonObject aliases) throws IOException {
    return CatalogLoader.parse(defaultJson().put("aliases", aliases).encode(), "aliases.json");
  }

  @Test
  void anAliasMayRouteAsAnotherNameAndThePlanSaysSo() throws IOException {
    Catalog catalog = withAliases(new JsonObject().put("gpt-4o*", "auto").put("gpt-*mini*", "deepseek-v4-flash"));
    RouteSelector selector = new RouteSelector(catalog, HealthPolicy.DEFAULT);
    RoutePlan auto = selector.select("gpt-4o-2024-08-06", "us-east", HealthSnapshot.EMPTY, NOW);
    assertThat(auto.reason()).startsWith("alias=gpt-4o* auto");
    assertThat(auto.requested()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(models(selector.select("gpt-4.1-mini", "us-east", HealthSnapshot.EMPTY, NOW)).get(0)).isEqualTo("deepseek-v4-flash");
  }

  @Test
  void theLoaderRefusesAliasesThatCouldNotRouteOrWouldNeverBeUsed() {
    assertThatThrownBy(() -> withAliases(new JsonObject().put("claude-*", "no-such-model")))
        .isInstanceOf(CatalogException.class).hasMessageContaining("not a model, tier or auto");
    assertThatThrownBy(() -> withAliases(new JsonObject().put("claude-*", "text-embedding-v4")))
        .isInstanceOf(CatalogException.class).hasMessageContaining("aliases stand for chat models");
    assertThatThrownBy(() -> withAliases(new JsonObject().put("deepseek-v4-flash", "budget")))
        .isInstanceOf(CatalogException.class).hasMessageContaining("would never be used");
    assertThatThrownBy(() -> withAliases(new JsonObject().put("claude-*",
            new JsonArray().add(new JsonObject().put("tier", "ultra-budget").put("capabilities", new JsonArray().add("code"))))))
        .isInstanceOf(CatalogException.class).hasMessageContaining("has no models with capabilities");
    assertThatThrownBy(() -> withAliases(new JsonObject().put("claude-*",
            new JsonArray().add(new JsonObject().put("model", "glm-5").put("capabilities", new JsonArray().add("code"))))))
        .isInstanceOf(CatalogException.class).hasMessageContaining("'capabilities' narrows a tier");
    assertThatThrownBy(() -> withAliases(new JsonObject().put("*", "auto")))
        .isInstanceOf(CatalogException.class).hasMessageContaining("matches every name");
    assertThatThrownBy(() -> withAliases(new JsonObject().put("claude-*", 3)))
        .isInstanceOf(CatalogException.class).hasMessageContaining("must be a name (string) or an array of steps");
  }
}
