package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.openai.ChatRequestParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompletionPlanTest {
  static final Catalog CATALOG = CatalogLoader.loadDefault();
  static final ModelSpec PLAIN = CATALOG.model("qwen3-8b");
  static final ModelSpec REASONING = CATALOG.model("deepseek-r1");
  /** About 40 properties: its JSON is far longer than the default 150-token text answer. */
  static final JsonObject BIG_SCHEMA = bigSchema();

  static CompletionPlan plan(ModelSpec model, JsonObject body) {
    JsonObject request = new JsonObject().put("model", model.id())
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Explain recursion")))
        .mergeIn(body);
    return CompletionPlan.of(model, ChatRequestParser.parse(request.encode()), ChatFeatures.of(request), 150,
        "chatcmpl-test", 1);
  }

  @Test
  void nChoicesSayDifferentThingsAndUsageCountsThemAll() {
    CompletionPlan plan = plan(PLAIN, new JsonObject().put("n", 3).put("max_tokens", 10));
    JsonObject json = plan.completionJson(Dialect.COMPACT);
    JsonArray choices = json.getJsonArray("choices");
    assertThat(choices).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(choices.getJsonObject(i).getInteger("index")).isEqualTo(i);
      assertThat(choices.getJsonObject(i).getString("finish_reason")).isEqualTo("length");
    }
    assertThat(choices.stream().map(c -> ((JsonObject) c).getJsonObject("message").getString("content")).distinct())
        .hasSize(3);
    assertThat(json.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(30);
  }

  /** Stop sequences taken from the uncut text at these offsets and lengths; the earliest one wins. */
  @ParameterizedTest(name = "stop at {0}")
  @CsvSource(delimiter = '|', value = {"30:5", "7:3", "100:9|12:4", "12:4|100:9", "0:6"})
  void aStopSequenceEndsTheContentJustBeforeIt(String cuts) {
    JsonObject uncut = plan(PLAIN, new JsonObject().put("max_tokens", 200)).completionJson(Dialect.COMPACT);
    String full = content(uncut);
    JsonArray stop = new JsonArray();
    for (String cut : cuts.split("\\|")) {
      int at = Integer.parseInt(cut.split(":")[0]);
      stop.add(full.substring(at, at + Integer.parseInt(cut.split(":")[1])));
    }
    JsonObject cut = plan(PLAIN, new JsonObject().put("max_tokens", 200).put("stop", stop)).completionJson(Dialect.COMPACT);
    int earliest = stop.stream().mapToInt(s -> full.indexOf((String) s)).min().orElseThrow();
    assertThat(content(cut)).isEqualTo(full.substring(0, earliest));
    assertThat(cut.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    assertThat(cut.getJsonObject("usage").getInteger("completion_tokens"))
        .isLessThan(uncut.getJsonObject("usage").getInteger("completion_tokens"));
  }

  @Test
  void aStopSequenceNeverSaidChangesNothing() {
    JsonObject json = plan(PLAIN, new JsonObject().put("stop", "zebra")).completionJson(Dialect.COMPACT);
    assertThat(content(json).split(" ")).hasSize(150);
    assertThat(json.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
  }

  @Test
  void structuredOutputConformsAndTheDefaultLengthDoesNotCutIt() {
    JsonObject format = new JsonObject().put("type", "json_schema")
        .put("json_schema", new JsonObject().put("name", "big").put("strict", true).put("schema", BIG_SCHEMA));
    for (ModelSpec model : List.of(PLAIN, REASONING)) {
      JsonObject json = plan(model, new JsonObject().put("response_format", format)).completionJson(Dialect.COMPACT);
      String content = content(json);
      assertThat(content.length() / ChoicePlan.CHARS_PER_TOKEN).as("longer than the default length").isGreaterThan(150);
      assertThat(SchemaValidator.problems(BIG_SCHEMA, new JsonObject(content))).isEmpty();
      assertThat(json.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    }
    JsonObject object = plan(PLAIN, new JsonObject().put("response_format", new JsonObject().put("type", "json_object")))
        .completionJson(Dialect.COMPACT);
    assertThat(new JsonObject(content(object))).isNotEmpty();
  }

  @Test
  void aBudgetSmallerThanTheJsonCutsItWithLength() {
    JsonObject format = new JsonObject().put("type", "json_schema")
        .put("json_schema", new JsonObject().put("name", "big").put("schema", BIG_SCHEMA));
    JsonObject json = plan(PLAIN, new JsonObject().put("response_format", format).put("max_tokens", 20))
        .completionJson(Dialect.COMPACT);
    assertThat(content(json)).hasSize(20 * ChoicePlan.CHARS_PER_TOKEN);
    assertThat(json.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
    assertThat(json.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(20);
  }

  @Test
  void toolCallsAreWellFormedAndABudgetCutsTheirArguments() {
    JsonObject tools = new JsonObject().put("tools", new JsonArray().add(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "fill").put("parameters", BIG_SCHEMA))));
    JsonObject json = plan(PLAIN, tools).completionJson(Dialect.COMPACT);
    JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
    JsonObject message = choice.getJsonObject("message");
    assertThat(message.containsKey("content")).isTrue();
    assertThat(message.getValue("content")).isNull();
    JsonObject call = message.getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getString("id")).startsWith("call_");
    assertThat(call.getString("type")).isEqualTo("function");
    assertThat(call.getJsonObject("function").getString("name")).isEqualTo("fill");
    String arguments = call.getJsonObject("function").getString("arguments");
    assertThat(SchemaValidator.problems(BIG_SCHEMA, new JsonObject(arguments))).isEmpty();
    assertThat(json.getJsonObject("usage").getInteger("completion_tokens"))
        .isEqualTo((arguments.length() + ChoicePlan.CHARS_PER_TOKEN - 1) / ChoicePlan.CHARS_PER_TOKEN);

    JsonObject cut = plan(PLAIN, tools.copy().put("max_tokens", 5)).completionJson(Dialect.COMPACT);
    JsonObject cutChoice = cut.getJsonArray("choices").getJsonObject(0);
    assertThat(cutChoice.getString("finish_reason")).isEqualTo("length");
    assertThat(cutChoice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0)
        .getJsonObject("function").getString("arguments")).isEqualTo(arguments.substring(0, 20));
  }

  @Test
  void aToolResultGetsATextAnswer() {
    JsonObject request = new JsonObject()
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function")
            .put("function", new JsonObject().put("name", "fill"))))
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "fill it"))
            .add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
                .add(new JsonObject().put("id", "call_1").put("type", "function")
                    .put("function", new JsonObject().put("name", "fill").put("arguments", "{}")))))
            .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "done")));
    JsonObject choice = plan(PLAIN, request).completionJson(Dialect.COMPACT).getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    assertThat(choice.getJsonObject("message").getString("content")).isNotBlank();
    assertThat(choice.getJsonObject("message").containsKey("tool_calls")).isFalse();
  }

  @Test
  void logprobsCoverEveryContentToken() {
    JsonObject json = plan(PLAIN, new JsonObject().put("max_tokens", 6).put("logprobs", true).put("top_logprobs", 3))
        .completionJson(Dialect.COMPACT);
    JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
    JsonArray entries = choice.getJsonObject("logprobs").getJsonArray("content");
    assertThat(entries).hasSize(6);
    StringBuilder joined = new StringBuilder();
    entries.forEach(e -> joined.append(((JsonObject) e).getString("token")));
    assertThat(joined.toString()).isEqualTo(choice.getJsonObject("message").getString("content"));
    assertThat(entries.getJsonObject(0).getJsonArray("top_logprobs")).hasSize(3);
    assertThat(plan(PLAIN, new JsonObject()).completionJson(Dialect.COMPACT).getJsonArray("choices")
        .getJsonObject(0).containsKey("logprobs")).isFalse();
  }

  private static String content(JsonObject completion) {
    return completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
  }

  private static JsonObject bigSchema() {
    JsonObject properties = new JsonObject();
    JsonArray required = new JsonArray();
    for (int i = 0; i < 40; i++) {
      properties.put("field_" + i, new JsonObject().put("type", i % 2 == 0 ? "string" : "integer"));
      required.add("field_" + i);
    }
    return new JsonObject().put("type", "object").put("properties", properties).put("required", required)
        .put("additionalProperties", false);
  }
}
