package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.simulator.SimulatedProviders;
import dev.meridian.core.routing.PrefixAffinity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prompt-cache affinity through the router and the simulator's prompt caches: a long system prompt
 * stays on one endpoint of the tier, the provider's cache serves it from the second request on, the
 * cached tokens are reported and billed at the cached price, the header says what affinity did, and
 * a second router of the region, sharing nothing, makes the same choices.
 */
class PrefixAffinityRoutingTest extends RouterTestBase {
  static final String USER = "What should I do about my parcel?";

  /**
   * The default catalog with the three budget models at one price (input, cached input, output), so
   * that, within the latency tolerance, they are alternatives of equal standing.
   */
  @Override
  Catalog catalog(Catalog pointedAtSimulator) {
    try (java.io.InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(CatalogLoader.DEFAULT_RESOURCE)) {
      JsonObject json = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      JsonObject price = new JsonObject().put("inputPerMillion", 0.0625).put("cachedInputPerMillion", 0.00625).put("outputPerMillion", 0.25);
      for (Object model : json.getJsonArray("models")) {
        JsonObject spec = (JsonObject) model;
        if (Set.of("deepseek-v4-flash", "qwen3-32b", "hunyuan-turbos").contains(spec.getString("id"))) {
          spec.put("price", price.copy());
        }
      }
      Catalog equalPrices = CatalogLoader.parse(json.encode(), "test");
      return SimulatedProviders.pointAt(equalPrices, "127.0.0.1", simulator.actualPort());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @BeforeEach
  void budgetTierOfEqualStanding() {
    // Three budget models in this region, within the tolerance of each other (20 % / 50 ms).
    observe("deepseek-v4-flash", "us-east", 100);
    observe("qwen3-32b", "us-east", 105);
    observe("hunyuan-turbos", "us-east", 110);
  }

  static String systemPrompt(int variant) {
    return ("Variant " + variant + ". You are the support assistant of a logistics company; answer in three sentences. ").repeat(60);
  }

  static JsonObject chat(String system, String user) {
    return new JsonObject().put("model", "budget").put("max_tokens", 16)
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", system))
            .add(new JsonObject().put("role", "user").put("content", user)));
  }

  Reply to(RouterVerticle target, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(target.actualPort()).setURI("/v1/chat/completions").putHeader("content-type", "application/json");
    Buffer payload = body.toBuffer();
    return onContext(() -> client.request(options).compose(request -> request.send(payload))
        .compose(response -> response.body().map(b -> toReply(response, b))));
  }

  @Test
  void aSharedSystemPromptStaysOnOneEndpointAndItsCachedTokensAreBilledCheaper() throws Exception {
    String system = systemPrompt(1);
    Reply first = to(router, chat(system, USER));
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header(RequestPipeline.AFFINITY_HEADER)).isIn("kept", "moved");
    String endpoint = first.header("x-meridian-model");
    JsonObject firstUsage = first.json().getJsonObject("usage");
    for (int i = 0; i < 5; i++) {
      Reply again = to(router, chat(system, USER + " (" + i + ")"));
      assertThat(again.header("x-meridian-model")).as("same prefix, same endpoint").isEqualTo(endpoint);
      Usage usage = Usage.of(again.json().getJsonObject("usage"));
      assertThat(usage.cached()).as("the provider's cache served the system prompt").isGreaterThan(system.length() / 5);
      assertThat(Double.parseDouble(again.header(ExchangeDriver.COST_HEADER)))
          .as("cached input billed below the input price")
          .isLessThan(Double.parseDouble(first.header(ExchangeDriver.COST_HEADER)));
    }
    assertThat(Usage.of(firstUsage).cached()).as("first sight: nothing cached").isZero();
    assertThat(scrape()).contains("direction=\"cached_input\"");
  }

  @Test
  void differentPrefixesSpreadOverTheTierAndTwoRoutersOfTheRegionAgree() throws Exception {
    RouterVerticle second = new RouterVerticle(catalog, routerOptions(), health, POLICY, ApiKeys.of(Map.of()), () -> true, r -> { });
    await(vertx.deployVerticle(second));
    Map<String, String> chosen = new HashMap<>();
    Set<String> used = new HashSet<>();
    for (int variant = 0; variant < 24; variant++) {
      Reply a = to(router, chat(systemPrompt(variant), USER));
      Reply b = to(second, chat(systemPrompt(variant), USER + "?"));
      assertThat(b.header("x-meridian-model")).as("variant " + variant).isEqualTo(a.header("x-meridian-model"));
      chosen.put("v" + variant, a.header("x-meridian-model"));
      used.add(a.header("x-meridian-model"));
    }
    assertThat(used).as("rendezvous spreads prefixes over the alternatives").hasSizeGreaterThan(1);
  }

  @Test
  void anAlternativeWithoutACachedPriceIsNotChosen() throws Exception {
    // The default catalog: hunyuan-turbos bills cached input at the full input price, qwen3-32b and
    // hunyuan-turbos are dearer than deepseek-v4-flash: none is an alternative of it.
    RouterVerticle defaults = new RouterVerticle(SimulatedProviders.pointAt(CatalogLoader.loadDefault(), "127.0.0.1",
        simulator.actualPort()), routerOptions(), health, POLICY, ApiKeys.of(Map.of()), () -> true, r -> { });
    await(vertx.deployVerticle(defaults));
    for (int variant = 0; variant < 12; variant++) {
      Reply reply = to(defaults, chat(systemPrompt(variant), USER));
      assertThat(reply.header("x-meridian-model")).isEqualTo("deepseek-v4-flash");
      assertThat(reply.header(RequestPipeline.AFFINITY_HEADER)).isNull();
    }
  }

  @Test
  void aShortPromptOrAClearlySlowerEndpointIsLeftToLatency() throws Exception {
    Reply shortPrompt = to(router, chat("Be brief.", USER));
    assertThat(shortPrompt.header(RequestPipeline.AFFINITY_HEADER)).isNull();
    assertThat(shortPrompt.header("x-meridian-model")).isEqualTo("deepseek-v4-flash");
    // The other two now clearly slower (beyond 50 ms and 20 %): affinity has no alternative to choose.
    observe("qwen3-32b", "us-east", 400);
    observe("hunyuan-turbos", "us-east", 400);
    for (int i = 0; i < 3; i++) {
      observe("qwen3-32b", "us-east", 400);
      observe("hunyuan-turbos", "us-east", 400);
    }
    for (int variant = 0; variant < 8; variant++) {
      Reply reply = to(router, chat(systemPrompt(variant), USER));
      assertThat(reply.header("x-meridian-model")).isEqualTo("deepseek-v4-flash");
      assertThat(reply.header(RequestPipeline.AFFINITY_HEADER)).isNull();
    }
    // And never an endpoint that is down.
    observeDown("deepseek-v4-flash", "us-east");
    observe("qwen3-32b", "us-east", 100);
    for (int variant = 0; variant < 8; variant++) {
      assertThat(to(router, chat(systemPrompt(variant), USER)).header("x-meridian-model")).isNotEqualTo("deepseek-v4-flash");
    }
  }

  @Test
  void withAffinityOffTheFastestAlwaysServes() throws Exception {
    RouterVerticle off = new RouterVerticle(catalog, routerOptions().setAffinity(PrefixAffinity.Options.OFF), health, POLICY,
        ApiKeys.of(Map.of()), () -> true, r -> { });
    await(vertx.deployVerticle(off));
    for (int variant = 0; variant < 8; variant++) {
      Reply reply = to(off, chat(systemPrompt(variant), USER));
      assertThat(reply.header("x-meridian-model")).isEqualTo("deepseek-v4-flash");
      assertThat(reply.header(RequestPipeline.AFFINITY_HEADER)).isNull();
    }
  }

  String scrape() throws Exception {
    return registry.scrape();
  }

  /** The cached tokens of a provider's usage in any dialect, through Meridian's own reading. */
  record Usage(long cached) {
    static Usage of(JsonObject usage) {
      dev.meridian.core.openai.Usage read = dev.meridian.core.openai.Usage.fromJson(usage);
      return new Usage(read == null ? 0 : read.cachedPromptTokens());
    }
  }
}
