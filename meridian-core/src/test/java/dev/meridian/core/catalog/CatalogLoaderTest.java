package dev.meridian.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogLoaderTest {
  private static Catalog catalog;

  @BeforeAll
  static void loadDefault() {
    catalog = CatalogLoader.loadDefault();
  }

  // ---------------------------------------------------------------- the default catalog

  @Test
  void defaultCatalogHasTheFifteenModelsOfTheFacts() {
    List<ModelSpec> chat = chatModels();
    assertThat(chat).hasSize(15);
    assertThat(chat.stream().map(ModelSpec::id))
        .containsExactlyInAnyOrderElementsOf(
            CatalogFacts.ROWS.stream().map(CatalogFacts.Row::modelId).toList());
  }

  private static List<ModelSpec> chatModels() {
    return catalog.models().stream().filter(m -> m.kind() == ModelKind.CHAT).toList();
  }

  @Test
  void defaultCatalogsEmbeddingModelsAreCalledOnEmbeddingsAndBelongToNoTier() {
    List<ModelSpec> embedding = catalog.models().stream().filter(m -> m.kind() == ModelKind.EMBEDDING).toList();
    assertThat(embedding).extracting(ModelSpec::id)
        .containsExactlyInAnyOrder("text-embedding-v4", "embedding-3", "doubao-embedding-large");
    for (ModelSpec model : embedding) {
      assertThat(model.embedding().dimensions()).as(model.id()).isPositive();
      assertThat(model.outputDollarsPerMillion()).isZero();
      assertThat(model.inputDollarsPerMillion()).isPositive();
      for (Endpoint endpoint : catalog.endpointsOf(model.id())) {
        assertThat(endpoint.upstreamUrl()).isEqualTo(endpoint.baseUrl() + "/embeddings");
      }
      for (Tier tier : Tier.values()) {
        assertThat(catalog.modelsOf(tier)).as(tier.id()).doesNotContain(model);
      }
    }
  }

  @Test
  void defaultCatalogHasThreeRegions() {
    assertThat(catalog.regions().stream().map(Region::id))
        .containsExactlyInAnyOrder("us-east", "eu-west", "ap-southeast");
    for (String region : CatalogFacts.REGIONS) {
      assertThat(catalog.hasRegion(region)).as(region).isTrue();
    }
    assertThat(catalog.hasRegion("mars")).isFalse();
  }

  @Test
  void defaultCatalogHasAnEndpointPerModelAndRegion() {
    List<Endpoint> chatEndpoints =
        catalog.endpoints().stream().filter(e -> e.model().kind() == ModelKind.CHAT).toList();
    assertThat(chatEndpoints).hasSize(45);
    assertThat(chatEndpoints.stream().map(Endpoint::id).distinct()).hasSize(45);
    for (ModelSpec model : chatModels()) {
      assertThat(catalog.endpointsOf(model.id()).stream().map(Endpoint::region))
          .as(model.id())
          .containsExactlyInAnyOrderElementsOf(CatalogFacts.REGIONS);
      for (String region : CatalogFacts.REGIONS) {
        Endpoint endpoint = catalog.endpoint(model.id(), region);
        assertThat(endpoint).as(model.id() + "@" + region).isNotNull();
        assertThat(endpoint.id()).isEqualTo(model.id() + "@" + region);
        assertThat(endpoint.model()).isSameAs(model);
        assertThat(endpoint.provider().id()).isEqualTo(model.provider());
        assertThat(endpoint.baseUrl()).startsWith("http").doesNotEndWith("/");
        assertThat(endpoint.upstreamUrl()).isEqualTo(endpoint.baseUrl() + "/chat/completions");
      }
    }
    assertThat(catalog.endpoint("glm-5", "mars")).isNull();
    assertThat(catalog.endpointsOf("no-such-model")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Tier.class)
  void tiersHoldTheModelsTheFactsAssignThem(Tier tier) {
    List<String> expected =
        CatalogFacts.ROWS.stream().filter(r -> r.tier() == tier).map(CatalogFacts.Row::modelId).toList();
    assertThat(catalog.modelsOf(tier).stream().map(ModelSpec::id))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void tierMembershipMatchesTheDocumentedList() {
    // Spelled out once more as catalog-facts.md's "Price tiers" table lists them.
    assertThat(ids(Tier.ULTRA_BUDGET)).containsExactlyInAnyOrder("qwen3-8b", "step-3.5-flash");
    assertThat(ids(Tier.BUDGET))
        .containsExactlyInAnyOrder("deepseek-v4-flash", "hunyuan-turbos", "qwen3-32b");
    assertThat(ids(Tier.MID_RANGE))
        .containsExactlyInAnyOrder(
            "doubao-seed-lite", "hunyuan-turbo", "glm-4-32b", "qwen3.5-27b", "deepseek-v4-pro");
    assertThat(ids(Tier.PREMIUM))
        .containsExactlyInAnyOrder(
            "minimax-m2.5", "glm-5", "kimi-k2.5", "deepseek-r1", "qwen3.5-397b");
  }

  private static List<String> ids(Tier tier) {
    return catalog.modelsOf(tier).stream().map(ModelSpec::id).toList();
  }

  static Stream<CatalogFacts.Row> factRows() {
    return CatalogFacts.ROWS.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factRows")
  void pricesAndNominalSpeedsMatchTheFacts(CatalogFacts.Row row) {
    ModelSpec model = catalog.model(row.modelId());
    assertThat(model).isNotNull();
    assertThat(model.provider()).isEqualTo(row.provider());
    assertThat(model.tier()).isEqualTo(row.tier());
    assertThat(model.outputDollarsPerMillion()).isCloseTo(row.outputDollarsPerMillion(), within(1e-9));
    assertThat(model.nominalTtftMs()).isCloseTo(row.ttftMs(), within(1e-9));
    assertThat(model.nominalTokensPerSecond()).isCloseTo(row.tokensPerSecond(), within(1e-9));
    assertThat(model.inputDollarsPerMillion()).isGreaterThanOrEqualTo(0);
    assertThat(model.upstreamId()).isNotBlank();
    assertThat(model.contextWindow()).isPositive();
  }

  @Test
  void tiersAreOrderedCheapestFirstByAverageOutputPrice() {
    double previous = -1;
    for (Tier tier : Tier.values()) {
      double average =
          catalog.modelsOf(tier).stream().mapToDouble(ModelSpec::outputDollarsPerMillion).average().orElseThrow();
      assertThat(average).as(tier.id()).isGreaterThan(previous);
      previous = average;
    }
  }

  @Test
  void reasoningModelsCarryTheReasoningCapability() {
    assertThat(catalog.model("deepseek-r1").isReasoning()).isTrue();
    assertThat(catalog.model("kimi-k2.5").isReasoning()).isTrue();
    assertThat(catalog.model("deepseek-r1").has(ModelSpec.CAPABILITY_REASONING)).isTrue();
    assertThat(catalog.model("qwen3-8b").isReasoning()).isFalse();
    assertThat(catalog.model("deepseek-v4-flash").isReasoning()).isFalse();
  }

  @Test
  void everyProviderNamesAnApiKeyVariableAndAUrlPerRegion() {
    assertThat(catalog.providers()).isNotEmpty();
    for (Provider provider : catalog.providers()) {
      assertThat(provider.apiKeyEnv()).as(provider.id()).isNotBlank();
      for (String region : CatalogFacts.REGIONS) {
        assertThat(provider.baseUrl(region)).as(provider.id() + " " + region).isNotBlank();
      }
    }
    assertThat(catalog.version()).isNotBlank();
  }

  @Test
  void catalogCollectionsAreReadOnly() {
    assertThatThrownBy(() -> catalog.endpoints().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> catalog.models().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> catalog.modelsOf(Tier.BUDGET).clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> catalog.endpointsOf("glm-5").clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  // ---------------------------------------------------------------- withBaseUrls

  @Test
  void withBaseUrlsRebasesEveryEndpoint() {
    Catalog rebased =
        catalog.withBaseUrls(
            (provider, region) -> "http://127.0.0.1:4711/" + region + "/" + provider.id() + "/v1/");

    assertThat(rebased.endpoints()).hasSize(catalog.endpoints().size());
    for (Endpoint endpoint : rebased.endpoints()) {
      assertThat(endpoint.baseUrl())
          .as(endpoint.id())
          .isEqualTo(
              "http://127.0.0.1:4711/" + endpoint.region() + "/" + endpoint.provider().id() + "/v1");
      assertThat(endpoint.upstreamUrl())
          .isEqualTo(endpoint.baseUrl() + endpoint.model().kind().upstreamPath());
    }
    // Everything but the URLs is carried over, and the original is untouched.
    assertThat(rebased.version()).isEqualTo(catalog.version());
    assertThat(rebased.models()).containsExactlyElementsOf(catalog.models());
    for (Tier tier : Tier.values()) {
      assertThat(rebased.modelsOf(tier)).containsExactlyElementsOf(catalog.modelsOf(tier));
    }
    for (Provider provider : rebased.providers()) {
      assertThat(provider.apiKeyEnv()).isEqualTo(catalog.provider(provider.id()).apiKeyEnv());
      assertThat(provider.name()).isEqualTo(catalog.provider(provider.id()).name());
    }
    assertThat(catalog.endpoints()).noneMatch(e -> e.baseUrl().contains(":4711"));
  }

  @Test
  void providersThatDeclareAMessagesApiGiveTheirChatEndpointsItsUrlAndItMovesWithTheBaseUrls() {
    Endpoint flash = catalog.endpointsOf("deepseek-v4-flash").get(0);
    assertThat(flash.messagesUrl())
        .isEqualTo(flash.provider().anthropicBaseUrl(flash.region()) + "/v1/messages")
        .contains("/deepseek/anthropic/v1/messages");
    assertThat(catalog.endpointsOf("qwen3-32b")).allMatch(e -> e.messagesUrl() == null);
    // Embedding models are never called on it, whatever their provider offers.
    assertThat(catalog.endpointsOf("embedding-3")).allMatch(e -> e.messagesUrl() == null);
    assertThat(catalog.providers().stream().filter(p -> !p.anthropicBaseUrls().isEmpty()).map(Provider::id))
        .containsExactlyInAnyOrder("deepseek", "moonshot", "zhipu", "minimax");

    Catalog rebased = catalog.withBaseUrls((provider, region) -> "http://127.0.0.1:4711/" + region + "/" + provider.id() + "/v1");
    assertThat(rebased.endpointsOf("kimi-k2.5")).allSatisfy(e -> assertThat(e.messagesUrl())
        .isEqualTo("http://127.0.0.1:4711/" + e.region() + "/moonshot/anthropic/v1/messages"));
    assertThat(rebased.withoutAnthropicApis().endpoints()).allMatch(e -> e.messagesUrl() == null);
  }

  @Test
  void withBaseUrlsFailsWhenAServedRegionLosesItsUrl() {
    assertThatThrownBy(
            () -> catalog.withBaseUrls((p, region) -> region.equals("eu-west") ? null : "http://x/v1"))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("eu-west");
  }

  // ---------------------------------------------------------------- loading from a file

  @Test
  void loadsAFileAndStripsTrailingSlashes(@TempDir Path dir) throws Exception {
    JsonObject json = minimal();
    json.getJsonArray("providers").getJsonObject(0).getJsonObject("baseUrls").put("r1", "http://a/v1/");
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, json.encodePrettily());

    Catalog loaded = CatalogLoader.load(file);

    assertThat(loaded.version()).isEqualTo("test-1");
    assertThat(loaded.endpoint("m1", "r1").baseUrl()).isEqualTo("http://a/v1");
    assertThat(loaded.model("m1").upstreamId()).isEqualTo("m1-upstream");
  }

  @Test
  void missingFileIsACatalogExceptionNamingTheFile(@TempDir Path dir) {
    Path file = dir.resolve("nope.json");
    assertThatThrownBy(() -> CatalogLoader.load(file))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("nope.json");
  }

  @Test
  void modelWithoutRegionsIsServedEverywhereAndDefaultsApply() {
    JsonObject json = minimal();
    JsonObject model = json.getJsonArray("models").getJsonObject(0);
    model.remove("regions");
    model.remove("upstreamId");
    model.remove("contextWindow");
    json.getJsonArray("providers").getJsonObject(0).getJsonObject("baseUrls").put("r2", "http://b/v1");

    Catalog loaded = CatalogLoader.parse(json.encode(), "test");

    assertThat(loaded.endpointsOf("m1").stream().map(Endpoint::region)).containsExactlyInAnyOrder("r1", "r2");
    assertThat(loaded.model("m1").upstreamId()).isEqualTo("m1");
    assertThat(loaded.model("m1").contextWindow()).isPositive();
  }

  @Test
  void unknownCapabilitiesAreAllowed() {
    JsonObject json = minimal();
    json.getJsonArray("models").getJsonObject(0).put("capabilities", new JsonArray().add("telepathy").add("vision"));
    Catalog loaded = CatalogLoader.parse(json.encode(), "test");
    assertThat(loaded.model("m1").capabilities()).containsExactlyInAnyOrder("telepathy", "vision");
    assertThat(CatalogLoader.knownCapabilities()).contains("vision").doesNotContain("telepathy");
  }

  // ---------------------------------------------------------------- bad files

  /** A valid one-region, one-provider, one-model catalog that each bad case breaks in one place. */
  static JsonObject minimal() {
    return new JsonObject()
        .put("version", "test-1")
        .put("regions", new JsonArray().add(new JsonObject().put("id", "r1")).add(new JsonObject().put("id", "r2")))
        .put(
            "providers",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("id", "p1")
                        .put("apiKeyEnv", "P1_KEY")
                        .put("baseUrls", new JsonObject().put("r1", "http://a/v1"))))
        .put("models", new JsonArray().add(model("m1")));
  }

  static JsonObject model(String id) {
    return new JsonObject()
        .put("id", id)
        .put("upstreamId", id + "-upstream")
        .put("provider", "p1")
        .put("tier", "budget")
        .put("capabilities", new JsonArray().add("tools"))
        .put("contextWindow", 1000)
        .put("price", new JsonObject().put("inputPerMillion", 0.1).put("outputPerMillion", 0.4))
        .put("regions", new JsonArray().add("r1"))
        .put("nominal", new JsonObject().put("ttftMs", 200).put("tokensPerSecond", 50));
  }

  private static JsonObject firstModel(JsonObject root) {
    return root.getJsonArray("models").getJsonObject(0);
  }

  /** An embedding model e1 beside the minimal catalog's chat model m1. */
  static JsonObject embeddingModel() {
    return model("e1").put("kind", "embedding").put("capabilities", new JsonArray())
        .put("price", new JsonObject().put("inputPerMillion", 0.07).put("outputPerMillion", 0))
        .put("embedding", new JsonObject().put("dimensions", 1024).put("allowedDimensions", new JsonArray().add(256)))
        .put("nominal", new JsonObject().put("ttftMs", 100));
  }

  private static JsonObject withEmbedding(JsonObject root) {
    root.getJsonArray("models").add(embeddingModel());
    return root;
  }

  private static JsonObject lastModel(JsonObject root) {
    JsonArray models = root.getJsonArray("models");
    return models.getJsonObject(models.size() - 1);
  }

  @Test
  void anEmbeddingModelLoadsWithItsVectorSpecAndStaysOutOfItsTier() {
    Catalog loaded = CatalogLoader.parse(withEmbedding(minimal()).encode(), "t");
    ModelSpec e1 = loaded.model("e1");
    assertThat(e1.kind()).isEqualTo(ModelKind.EMBEDDING);
    assertThat(e1.embedding()).isEqualTo(new EmbeddingSpec(1024, List.of(256), 2048));
    assertThat(e1.embedding().allows(256)).isTrue();
    assertThat(e1.embedding().allows(512)).isFalse();
    assertThat(e1.nominalTokensPerSecond()).as("nothing is generated").isNaN();
    assertThat(loaded.endpoint("e1", "r1").upstreamUrl()).isEqualTo("http://a/v1/embeddings");
    assertThat(loaded.modelsOf(Tier.BUDGET)).extracting(ModelSpec::id).containsExactly("m1");
    assertThat(loaded.model("m1").kind()).isEqualTo(ModelKind.CHAT);
  }

  static Stream<Arguments> badCatalogs() {
    return Stream.of(
        bad("unknown kind", j -> firstModel(j).put("kind", "image"), "m1", "unknown kind 'image'"),
        bad("embedding object on a chat model",
            j -> firstModel(j).put("embedding", new JsonObject().put("dimensions", 8)), "m1", "'embedding'"),
        bad("embedding model without its object", j -> lastModel(withEmbedding(j)).remove("embedding"),
            "e1", "'embedding' object"),
        bad("embedding model without dimensions",
            j -> lastModel(withEmbedding(j)).put("embedding", new JsonObject()), "dimensions"),
        bad("bad allowed dimensions",
            j -> lastModel(withEmbedding(j)).getJsonObject("embedding").put("allowedDimensions", new JsonArray().add(-1)),
            "e1", "allowedDimensions[0]"),
        bad("a chat model's fallback names an embedding model",
            j -> withEmbedding(j).put("fallbacks", new JsonObject().put("m1",
                new JsonArray().add(new JsonObject().put("model", "e1")))),
            "m1", "embedding model 'e1'"),
        bad("an embedding model's fallback names a chat model",
            j -> withEmbedding(j).put("fallbacks", new JsonObject().put("e1",
                new JsonArray().add(new JsonObject().put("model", "m1")))),
            "e1", "chat model 'm1'"),
        bad("unknown tier", j -> firstModel(j).put("tier", "gold"), "m1", "unknown tier 'gold'"),
        bad("tier missing", j -> firstModel(j).remove("tier"), "m1", "tier"),
        bad(
            "unknown provider",
            j -> firstModel(j).put("provider", "acme"),
            "m1",
            "unknown provider 'acme'"),
        bad(
            "unknown region",
            j -> firstModel(j).put("regions", new JsonArray().add("r1").add("mars")),
            "m1",
            "unknown region 'mars'"),
        bad(
            "no base URL for a served region",
            j -> firstModel(j).put("regions", new JsonArray().add("r1").add("r2")),
            "p1",
            "r2",
            "base URL"),
        bad(
            "blank base URL for a served region",
            j -> j.getJsonArray("providers").getJsonObject(0).getJsonObject("baseUrls").put("r1", " "),
            "p1",
            "r1",
            "base URL"),
        bad(
            "null base URL for a served region",
            j -> j.getJsonArray("providers").getJsonObject(0).getJsonObject("baseUrls").putNull("r1"),
            "p1",
            "r1",
            "base URL"),
        bad(
            "duplicate model id",
            j -> j.getJsonArray("models").add(model("m1")),
            "duplicate model id 'm1'"),
        bad(
            "duplicate region id",
            j -> j.getJsonArray("regions").add(new JsonObject().put("id", "r1")),
            "duplicate region id 'r1'"),
        bad(
            "duplicate provider id",
            j -> j.getJsonArray("providers").add(j.getJsonArray("providers").getJsonObject(0).copy()),
            "duplicate provider id 'p1'"),
        bad(
            "region listed twice by a model",
            j -> firstModel(j).put("regions", new JsonArray().add("r1").add("r1")),
            "m1",
            "r1"),
        bad(
            "null region in a model",
            j -> firstModel(j).put("regions", new JsonArray().add("r1").addNull()),
            "m1",
            "regions"),
        bad(
            "null capability",
            j -> firstModel(j).put("capabilities", new JsonArray().addNull()),
            "m1",
            "capabilities"),
        bad(
            "negative output price",
            j -> firstModel(j).getJsonObject("price").put("outputPerMillion", -0.5),
            "m1",
            "outputPerMillion"),
        bad(
            "negative input price",
            j -> firstModel(j).getJsonObject("price").put("inputPerMillion", -1),
            "m1",
            "inputPerMillion"),
        bad("missing price", j -> firstModel(j).remove("price"), "m1", "PerMillion"),
        bad(
            "missing nominal ttft",
            j -> firstModel(j).getJsonObject("nominal").remove("ttftMs"),
            "m1",
            "ttftMs"),
        bad(
            "zero nominal ttft",
            j -> firstModel(j).getJsonObject("nominal").put("ttftMs", 0),
            "m1",
            "ttftMs"),
        bad(
            "missing nominal tokens per second",
            j -> firstModel(j).getJsonObject("nominal").remove("tokensPerSecond"),
            "m1",
            "tokensPerSecond"),
        bad("model without id", j -> firstModel(j).remove("id"), "model", "id"),
        bad("model without provider", j -> firstModel(j).remove("provider"), "m1", "provider"),
        bad("region without id", j -> j.getJsonArray("regions").getJsonObject(0).remove("id"), "region", "id"),
        bad("provider without id", j -> j.getJsonArray("providers").getJsonObject(0).remove("id"), "provider", "id"),
        bad("no regions array", j -> j.remove("regions"), "regions"),
        bad("no models array", j -> j.remove("models"), "models"),
        bad("empty regions", j -> j.put("regions", new JsonArray()), "no regions"),
        bad("empty models", j -> j.put("models", new JsonArray()), "no models"),
        bad("model entry not an object", j -> j.getJsonArray("models").add("m2"), "models[1]"),
        bad(
            "price of the wrong type",
            j -> firstModel(j).put("price", "cheap"),
            "wrong type"));
  }

  private static Arguments bad(String name, Consumer<JsonObject> breakIt, String... mentions) {
    JsonObject json = minimal();
    breakIt.accept(json);
    return Arguments.of(name, json.encode(), Arrays.asList(mentions));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCatalogs")
  void badCatalogIsRejectedWithAMessageNamingTheProblem(
      String name, String json, List<String> mentions) {
    assertThatThrownBy(() -> CatalogLoader.parse(json, "bad.json"))
        .as(name)
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith("bad.json: ")
        .hasMessageContainingAll(mentions.toArray(String[]::new));
  }

  @Test
  void theMinimalCatalogItselfIsValid() {
    Catalog loaded = CatalogLoader.parse(minimal().encode(), "ok.json");
    assertThat(loaded.endpoints()).extracting(Endpoint::id).containsExactly("m1@r1");
    assertThat(loaded.modelsOf(Tier.BUDGET)).extracting(ModelSpec::id).containsExactly("m1");
    assertThat(loaded.modelsOf(Tier.PREMIUM)).isEmpty();
  }

  static Stream<Arguments> notJson() {
    return Stream.of(
        Arguments.of("{ \"regions\": [ "),
        Arguments.of("not json at all"),
        Arguments.of(""),
        Arguments.of("[1, 2, 3]"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("notJson")
  void invalidJsonIsACatalogException(String text) {
    assertThatThrownBy(() -> CatalogLoader.parse(text, "broken.json"))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("broken.json")
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void tierNamesInFilesAreCaseInsensitive() {
    JsonObject json = minimal();
    firstModel(json).put("tier", "Mid-Range");
    assertThat(CatalogLoader.parse(json.encode(), "t").model("m1").tier()).isEqualTo(Tier.MID_RANGE);
  }

  @Test
  void everyTierIdRoundTrips() {
    Set<String> ids = Arrays.stream(Tier.values()).map(Tier::id).collect(Collectors.toSet());
    assertThat(ids).containsExactlyInAnyOrder("ultra-budget", "budget", "mid-range", "premium");
    for (Tier tier : Tier.values()) {
      assertThat(Tier.fromId(tier.id())).isEqualTo(tier);
      assertThat(Tier.fromId(tier.id().toUpperCase())).isEqualTo(tier);
    }
    assertThat(Tier.fromId(null)).isNull();
    assertThat(Tier.fromId("auto")).isNull();
    assertThat(Tier.fromId("ultra_budget")).isNull();
  }
}
