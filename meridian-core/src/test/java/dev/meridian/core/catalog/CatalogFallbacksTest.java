package dev.meridian.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.routing.ChainStep;
import dev.meridian.core.routing.FallbackChains;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code "fallbacks"} section of a catalog file: parsing, tier expansion, and precise errors. */
class CatalogFallbacksTest {

  /** Two regions; models in three tiers (premium: x, y; budget: b1, b2; mid-range: m). */
  private static final String BASE =
      """
      {
        "version": "chains-1",
        "regions": [{"id": "r1"}, {"id": "r2"}],
        "providers": [
          {"id": "p", "apiKeyEnv": "P_KEY", "baseUrls": {"r1": "http://r1/v1", "r2": "http://r2/v1"}}
        ],
        "models": [
          {"id": "x",  "provider": "p", "tier": "premium",   "price": {"inputPerMillion": 1, "outputPerMillion": 4},
           "nominal": {"ttftMs": 500, "tokensPerSecond": 25}},
          {"id": "b1", "provider": "p", "tier": "budget",    "price": {"inputPerMillion": 0.1, "outputPerMillion": 0.3},
           "nominal": {"ttftMs": 200, "tokensPerSecond": 55}, "regions": ["r1"]},
          {"id": "m",  "provider": "p", "tier": "mid-range", "price": {"inputPerMillion": 0.2, "outputPerMillion": 0.5},
           "nominal": {"ttftMs": 300, "tokensPerSecond": 40}},
          {"id": "y",  "provider": "p", "tier": "premium",   "price": {"inputPerMillion": 1, "outputPerMillion": 3},
           "nominal": {"ttftMs": 600, "tokensPerSecond": 20}},
          {"id": "b2", "provider": "p", "tier": "budget",    "price": {"inputPerMillion": 0.1, "outputPerMillion": 0.2},
           "nominal": {"ttftMs": 180, "tokensPerSecond": 60}}
        ]
      }
      """;

  private static JsonObject base() {
    return new JsonObject(BASE);
  }

  private static JsonObject withFallbacks(JsonObject fallbacks) {
    return base().put("fallbacks", fallbacks);
  }

  private static Catalog parse(JsonObject json) {
    return CatalogLoader.parse(json.encode(), "chains.json");
  }

  private static JsonObject modelStep(String model) {
    return new JsonObject().put("model", model);
  }

  private static JsonObject tierStep(String tier) {
    return new JsonObject().put("tier", tier);
  }

  // ---------------------------------------------------------------- parsing

  @Test
  void theDocumentedExampleParses() {
    Catalog catalog =
        CatalogLoader.parse(
            BASE.replaceFirst(
                "\"version\": \"chains-1\",",
                """
                "version": "chains-1",
                "fallbacks": {
                  "x": [{"model": "x", "maxTtftMs": 400, "minTokensPerSecond": 40}, {"tier": "budget"}]
                },
                """),
            "chains.json");

    List<ChainStep> chain = catalog.fallbacks().chainFor("x");
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0).models()).containsExactly("x");
    assertThat(chain.get(0).maxTtftMs()).isEqualTo(400.0);
    assertThat(chain.get(0).minTokensPerSecond()).isEqualTo(40.0);
    // A tier step expands to the tier's models, in catalog order, with no limits.
    assertThat(chain.get(1).models()).containsExactly("b1", "b2");
    assertThat(chain.get(1).maxTtftMs()).isNaN();
    assertThat(chain.get(1).minTokensPerSecond()).isNaN();
  }

  @Test
  void thresholdsAreOptionalEachOnItsOwn() {
    Catalog catalog =
        parse(withFallbacks(new JsonObject()
            .put("x", new JsonArray()
                .add(modelStep("x").put("maxTtftMs", 250.5))
                .add(modelStep("y").put("minTokensPerSecond", 12))
                .add(modelStep("m")))));

    List<ChainStep> chain = catalog.fallbacks().chainFor("x");
    assertThat(chain).extracting(ChainStep::models)
        .containsExactly(List.of("x"), List.of("y"), List.of("m"));
    assertThat(chain.get(0).maxTtftMs()).isEqualTo(250.5);
    assertThat(chain.get(0).minTokensPerSecond()).isNaN();
    assertThat(chain.get(1).maxTtftMs()).isNaN();
    assertThat(chain.get(1).minTokensPerSecond()).isEqualTo(12.0);
    assertThat(chain.get(2).maxTtftMs()).isNaN();
    assertThat(chain.get(2).minTokensPerSecond()).isNaN();
  }

  @Test
  void chainsMayBeKeyedByModelOrTierAndKeepTheirOrder() {
    Catalog catalog =
        parse(withFallbacks(new JsonObject()
            .put("budget", new JsonArray().add(tierStep("budget")).add(modelStep("m")))
            .put("y", new JsonArray().add(modelStep("y")).add(tierStep("premium")))
            .put("premium", new JsonArray().add(tierStep("premium").put("maxTtftMs", 700)).add(tierStep("mid-range")))));

    FallbackChains chains = catalog.fallbacks();
    assertThat(chains.all().keySet()).containsExactly("budget", "y", "premium");
    assertThat(chains.chainFor("budget")).extracting(ChainStep::models)
        .containsExactly(List.of("b1", "b2"), List.of("m"));
    // The same model may appear again through a tier step; routing skips the repeat.
    assertThat(chains.chainFor("y")).extracting(ChainStep::models)
        .containsExactly(List.of("y"), List.of("x", "y"));
    assertThat(chains.chainFor("premium").get(0).maxTtftMs()).isEqualTo(700.0);
    assertThat(chains.chainFor("premium").get(1).models()).containsExactly("m");
    assertThat(chains.chainFor("x")).isNull();
    assertThat(chains.chainFor("mid-range")).isNull();
  }

  @Test
  void tierStepNamesAreCaseInsensitive() {
    Catalog catalog = parse(withFallbacks(new JsonObject().put("m", new JsonArray().add(tierStep("Budget")))));
    assertThat(catalog.fallbacks().chainFor("m").get(0).models()).containsExactly("b1", "b2");
  }

  @Test
  void aChainKeyedByATierInAnotherCaseIsFoundUnderTheTierId() {
    // Tier names are case-insensitive everywhere else in the file; a key that passes validation as a
    // tier must also be found when routing asks for that tier's chain by its id.
    Catalog catalog =
        parse(withFallbacks(new JsonObject().put("Budget", new JsonArray().add(tierStep("budget")).add(modelStep("m")))));
    assertThat(catalog.fallbacks().chainFor(Tier.BUDGET.id())).isNotNull()
        .extracting(ChainStep::models)
        .containsExactly(List.of("b1", "b2"), List.of("m"));
  }

  @Test
  void twoChainsForTheSameTierInDifferentCaseAreRejected() {
    JsonObject json =
        withFallbacks(new JsonObject()
            .put("budget", new JsonArray().add(tierStep("budget")))
            .put("BUDGET", new JsonArray().add(modelStep("m"))));
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(CatalogException.class)
        .hasMessage("chains.json: fallback chain for 'BUDGET': tier 'budget' has two chains");
  }

  @Test
  void noFallbacksSectionMeansNoChains() {
    Catalog catalog = parse(base());
    assertThat(catalog.fallbacks()).isSameAs(FallbackChains.NONE);
    assertThat(catalog.fallbacks().all()).isEmpty();
    assertThat(catalog.fallbacks().chainFor("x")).isNull();
  }

  @Test
  void anEmptyFallbacksSectionMeansNoChains() {
    Catalog catalog = parse(withFallbacks(new JsonObject()));
    assertThat(catalog.fallbacks().all()).isEmpty();
  }

  @Test
  void theDefaultCatalogLoadsWithItsChains() {
    Catalog catalog = CatalogLoader.loadDefault();
    catalog.fallbacks().all().forEach((name, steps) -> {
      assertThat(catalog.model(name) != null || Tier.fromId(name) != null).as(name).isTrue();
      assertThat(steps).as(name).isNotEmpty();
      steps.forEach(step -> assertThat(step.models()).allMatch(m -> catalog.model(m) != null));
    });
  }

  // ---------------------------------------------------------------- withBaseUrls

  @Test
  void withBaseUrlsKeepsTheChains() {
    Catalog catalog =
        parse(withFallbacks(new JsonObject()
            .put("x", new JsonArray().add(modelStep("x").put("maxTtftMs", 300)).add(tierStep("budget")))));

    Catalog rebased = catalog.withBaseUrls((provider, region) -> "http://127.0.0.1:1/" + region + "/v1");

    assertThat(rebased.fallbacks().all()).isEqualTo(catalog.fallbacks().all());
    assertThat(rebased.fallbacks().chainFor("x").get(0).maxTtftMs()).isEqualTo(300.0);
    assertThat(rebased.endpoint("x", "r1").baseUrl()).isEqualTo("http://127.0.0.1:1/r1/v1");
  }

  // ---------------------------------------------------------------- FallbackChains itself

  @Test
  void fallbackChainsAreCopiedAndReadOnly() {
    List<ChainStep> steps = new ArrayList<>(List.of(ChainStep.of(List.of("x"))));
    java.util.Map<String, List<ChainStep>> map = new java.util.HashMap<>(Map.of("x", steps));
    FallbackChains chains = new FallbackChains(map);

    steps.add(ChainStep.of(List.of("y")));
    map.put("y", List.of());

    assertThat(chains.chainFor("x")).hasSize(1);
    assertThat(chains.chainFor("y")).isNull();
    assertThatThrownBy(() -> chains.all().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> chains.chainFor("x").clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(FallbackChains.NONE.all()).isEmpty();
  }

  @Test
  void aCatalogBuiltInCodeValidatesItsChainsToo() {
    Catalog valid = parse(base());
    List<Region> regions = List.copyOf(valid.regions());
    List<Provider> providers = List.copyOf(valid.providers());
    List<ModelSpec> models = List.copyOf(valid.models());

    Catalog ok = new Catalog("v", regions, providers, models,
        new FallbackChains(Map.of("premium", List.of(ChainStep.of(List.of("y", "x"))))));
    assertThat(ok.fallbacks().chainFor("premium").get(0).models()).containsExactly("y", "x");
    assertThat(new Catalog("v", regions, providers, models).fallbacks()).isSameAs(FallbackChains.NONE);

    assertThatThrownBy(() -> new Catalog("v", regions, providers, models,
            new FallbackChains(Map.of("gold", List.of(ChainStep.of(List.of("x")))))))
        .isInstanceOf(CatalogException.class)
        .hasMessage("fallback chain for 'gold': not a model or tier id");
    assertThatThrownBy(() -> new Catalog("v", regions, providers, models,
            new FallbackChains(Map.of("x", List.of(ChainStep.of(List.of("ghost")))))))
        .isInstanceOf(CatalogException.class)
        .hasMessage("fallback chain for 'x' names unknown model 'ghost'");
    assertThatThrownBy(() -> new Catalog("v", regions, providers, models,
            new FallbackChains(Map.of("x", List.of()))))
        .isInstanceOf(CatalogException.class)
        .hasMessage("fallback chain for 'x' is empty");
  }

  // ---------------------------------------------------------------- errors

  static Stream<Arguments> badChains() {
    return Stream.of(
        bad("key is neither a model nor a tier",
            f -> f.put("gpt-4o", new JsonArray().add(modelStep("x"))),
            "fallback chain for 'gpt-4o': not a model or tier id"),
        bad("'auto' is not a chain key",
            f -> f.put("auto", new JsonArray().add(modelStep("x"))),
            "fallback chain for 'auto': not a model or tier id"),
        bad("unknown model in a step",
            f -> f.put("x", new JsonArray().add(modelStep("x")).add(modelStep("ghost"))),
            "fallback chain for 'x' names unknown model 'ghost'"),
        bad("step names both model and tier",
            f -> f.put("x", new JsonArray().add(modelStep("x").put("tier", "budget"))),
            "fallback chain for 'x', step 0 must name exactly one of 'model' or 'tier'"),
        bad("step names neither model nor tier",
            f -> f.put("x", new JsonArray().add(modelStep("x")).add(new JsonObject().put("maxTtftMs", 100))),
            "fallback chain for 'x', step 1 must name exactly one of 'model' or 'tier'"),
        bad("unknown tier in a step",
            f -> f.put("budget", new JsonArray().add(tierStep("gold"))),
            "fallback chain for 'budget', step 0 names unknown tier 'gold'"),
        bad("step is a string",
            f -> f.put("x", new JsonArray().add(modelStep("x")).add("y")),
            "fallback chain for 'x', step 1 is not an object"),
        bad("step is null",
            f -> f.put("x", new JsonArray().addNull()),
            "fallback chain for 'x', step 0 is not an object"),
        bad("step is an array",
            f -> f.put("x", new JsonArray().add(new JsonArray().add("y"))),
            "fallback chain for 'x', step 0 is not an object"),
        bad("chain is a string",
            f -> f.put("x", "y"),
            "fallback chain for 'x' must be an array"),
        bad("chain is an object",
            f -> f.put("x", modelStep("y")),
            "fallback chain for 'x' must be an array"),
        bad("chain is null",
            f -> f.putNull("x"),
            "fallback chain for 'x' must be an array"),
        bad("chain is empty",
            f -> f.put("x", new JsonArray()),
            "fallback chain for 'x' is empty"));
  }

  private static Arguments bad(String name, Consumer<JsonObject> fallbacks, String message) {
    JsonObject f = new JsonObject();
    fallbacks.accept(f);
    return Arguments.of(name, withFallbacks(f).encode(), message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badChains")
  void aBadChainIsRejectedWithAPreciseMessage(String name, String json, String message) {
    assertThatThrownBy(() -> CatalogLoader.parse(json, "bad.json"))
        .as(name)
        .isInstanceOf(CatalogException.class)
        .hasMessage("bad.json: " + message);
  }

  @Test
  void aTierStepForATierWithoutModelsIsRejected() {
    JsonObject json = base();
    // Move every model out of mid-range so that tier is empty.
    json.getJsonArray("models").getJsonObject(2).put("tier", "budget");
    json.put("fallbacks", new JsonObject().put("x", new JsonArray().add(tierStep("mid-range"))));
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(CatalogException.class)
        .hasMessage("chains.json: fallback chain for 'x', step 0: tier 'mid-range' has no models");
  }

  @Test
  void aStepWithAThresholdOfTheWrongTypeIsRejected() {
    JsonObject json = withFallbacks(new JsonObject().put("x", new JsonArray().add(modelStep("x").put("maxTtftMs", "fast"))));
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith("chains.json: ");
  }
}
