package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Classification for auto, capability and context filters, and per-request objectives, end to end. */
class RoutingPoliciesTest extends RouterTestBase {

  void observeAllUsEast() {
    for (var model : catalog.models()) {
      observe(model.id(), "us-east", model.nominalTtftMs());
    }
  }

  static JsonObject ask(String model, String content) {
    return new JsonObject().put("model", model)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
  }

  @Test
  void autoSendsEachClassToItsTierAndSaysWhy() throws Exception {
    observeAllUsEast();
    Reply simple = post("/v1/chat/completions", ask("auto", "What is the capital of France?").encode());
    assertThat(catalog.model(simple.header(MeridianHeaders.ROUTE_MODEL)).tier().id()).isEqualTo("ultra-budget");
    assertThat(simple.header(MeridianHeaders.ROUTE_REASON)).contains("class=simple");

    Reply code = post("/v1/chat/completions", ask("auto", "Fix this:\n```python\nprint(1/0)\n```").encode());
    assertThat(catalog.model(code.header(MeridianHeaders.ROUTE_MODEL)).tier().id()).isEqualTo("budget");
    assertThat(code.header(MeridianHeaders.ROUTE_REASON)).contains("class=moderate").contains("code");

    Reply hard = post("/v1/chat/completions", ask("auto", "Prove step by step that sqrt(2) is irrational.").encode());
    assertThat(catalog.model(hard.header(MeridianHeaders.ROUTE_MODEL)).tier().id()).isEqualTo("premium");
    assertThat(hard.header(MeridianHeaders.ROUTE_REASON)).contains("class=complex");
  }

  @Test
  void imagesNeedAVisionModelAndNoneIsInTheDefaultCatalog() throws Exception {
    observeAllUsEast();
    JsonObject body = new JsonObject().put("model", "auto").put("messages", new JsonArray().add(
        new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "What is in this picture?"))
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:image/png;base64,AAAA"))))));
    Reply reply = post("/v1/chat/completions", body.encode());
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getJsonObject("error").getString("code")).isEqualTo("unsupported_capability");
    assertThat(reply.json().getJsonObject("error").getString("message")).contains("images");
  }

  @Test
  void toolsOnlyGoToModelsWithTools() throws Exception {
    observeAllUsEast();
    JsonObject tools = new JsonObject().put("tools", new JsonArray().add(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "lookup").put("parameters", new JsonObject()))));
    // deepseek-r1 has no tools; its chain continues with kimi-k2.5, which has: the filter skips a
    // model, not a whole chain, and the headers say who answered.
    Reply r1 = post("/v1/chat/completions", ask("deepseek-r1", "weather?").mergeIn(tools).encode());
    assertThat(r1.status()).isEqualTo(200);
    assertThat(r1.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("kimi-k2.5");

    Reply premium = post("/v1/chat/completions", ask("premium", "weather?").mergeIn(tools).encode());
    assertThat(premium.status()).isEqualTo(200);
    assertThat(premium.header(MeridianHeaders.ROUTE_MODEL)).isNotEqualTo("deepseek-r1");
  }

  @Test
  void promptPlusMaxTokensBeyondEveryContextWindowIs400() throws Exception {
    observeAllUsEast();
    Reply reply = post("/v1/chat/completions", ask("glm-5", "hello there").put("max_tokens", 131_072).encode());
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getJsonObject("error").getString("code")).isEqualTo("context_length_exceeded");
  }

  @Test
  void objectivePriceCeilingAndPinsShapeTheChoice() throws Exception {
    observeAllUsEast();
    Reply fastest = post("/v1/chat/completions", ask("premium", "hi").encode());
    assertThat(fastest.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("minimax-m2.5"); // 450 ms, the fastest

    Reply cheapest = send(HttpMethod.POST, "/v1/chat/completions", ask("mid-range", "hi").toBuffer(),
        Map.of("x-meridian-objective", "cost"));
    assertThat(cheapest.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("qwen3.5-27b"); // $0.19, not the fastest

    Reply capped = send(HttpMethod.POST, "/v1/chat/completions", ask("premium", "hi").toBuffer(),
        Map.of("x-meridian-max-price", "1.0"));
    assertThat(capped.status()).isEqualTo(400);
    assertThat(capped.json().getJsonObject("error").getString("code")).isEqualTo("no_model_matches");

    Reply pinned = send(HttpMethod.POST, "/v1/chat/completions", ask("premium", "hi").toBuffer(),
        Map.of("x-meridian-only-provider", "moonshot"));
    assertThat(pinned.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("kimi-k2.5");

    Reply elsewhere = send(HttpMethod.POST, "/v1/chat/completions", ask("glm-5", "hi").toBuffer(),
        Map.of("x-meridian-exclude-region", "us-east"));
    assertThat(elsewhere.status()).isEqualTo(200);
    assertThat(elsewhere.header(MeridianHeaders.ROUTE_REGION)).isNotEqualTo("us-east");

    Reply badObjective = send(HttpMethod.POST, "/v1/chat/completions", ask("glm-5", "hi").toBuffer(),
        Map.of("x-meridian-objective", "cheapest"));
    assertThat(badObjective.status()).isEqualTo(400);
  }
}
