package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ToolCallPlannerTest {
  static final JsonArray TOOLS = new JsonArray("""
      [{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
        "properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},
        "required":["city","unit"],"additionalProperties":false}}},
       {"type":"function","function":{"name":"search-web","parameters":{"type":"object",
        "properties":{"query":{"type":"string","minLength":3}},"required":["query"]}}},
       {"type":"function","function":{"name":"now"}}]
      """);

  /** tool_choice, the last user message, parallel_tool_calls, last role: the tools called, in order. */
  @ParameterizedTest(name = "{0} / {1} / parallel={2} / last={3} -> [{4}]")
  @CsvSource(delimiter = '|', value = {
    "\"auto\"|hello there|true|user|get_weather",
    "\"auto\"|What is the weather? Use GET WEATHER.|true|user|get_weather",
    "\"auto\"|search web then tell me what time it is now|true|user|search-web,now",
    "\"auto\"|search web then tell me what time it is now|false|user|search-web",
    "\"required\"|nothing mentioned|true|user|get_weather",
    "\"none\"|use get_weather|true|user|''",
    "{\"type\":\"function\",\"function\":{\"name\":\"now\"}}|use get_weather|true|user|now",
    "\"auto\"|use get_weather|true|tool|''",
    "\"required\"|use get_weather|true|tool|get_weather",
    "{\"type\":\"function\",\"function\":{\"name\":\"now\"}}|x|true|tool|now",
  })
  void choosesToolsByTheDocumentedRule(String choice, String said, boolean parallel, String lastRole, String expected) {
    JsonArray messages = new JsonArray().add(new JsonObject().put("role", "user").put("content", said));
    if (lastRole.equals("tool")) {
      messages.add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()))
          .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "22 C"));
    }
    JsonObject body = new JsonObject().put("tools", TOOLS).put("tool_choice", new JsonObject("{\"c\":" + choice + "}").getValue("c"))
        .put("parallel_tool_calls", parallel);
    List<ToolCallPlanner.PlannedCall> calls = ToolCallPlanner.plan(ChatFeatures.of(body), messages, 11);
    assertThat(calls.stream().map(ToolCallPlanner.PlannedCall::name).toList())
        .isEqualTo(expected.isEmpty() ? List.of() : List.of(expected.split(",")));
  }

  @Test
  void argumentsAreJsonValidForTheToolsSchemaAndIdsLookLikeOpenAis() {
    JsonObject body = new JsonObject().put("tools", TOOLS);
    ChatFeatures features = ChatFeatures.of(body);
    for (int seed = 0; seed < 30; seed++) {
      JsonArray messages = new JsonArray().add(new JsonObject().put("role", "user")
          .put("content", "get weather, search web, now"));
      List<ToolCallPlanner.PlannedCall> calls = ToolCallPlanner.plan(features, messages, seed);
      assertThat(calls).hasSize(3);
      for (int i = 0; i < calls.size(); i++) {
        ToolCallPlanner.PlannedCall call = calls.get(i);
        JsonObject schema = features.tools().get(i).parameters();
        assertThat(SchemaValidator.problems(schema, new JsonObject(call.arguments()))).as(call.arguments()).isEmpty();
        assertThat(call.id()).matches("call_[A-Za-z0-9]{24}");
      }
      assertThat(calls.stream().map(ToolCallPlanner.PlannedCall::id).distinct()).hasSize(3);
    }
  }
}
