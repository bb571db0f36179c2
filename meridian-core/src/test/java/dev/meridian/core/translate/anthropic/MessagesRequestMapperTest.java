package dev.meridian.core.translate.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per mapping rule of a Messages request, and one per refusal. */
class MessagesRequestMapperTest {
  static final ModelSpec PLAIN = model("plain", Set.of("tools"));
  static final ModelSpec VISION = model("seeing", Set.of("vision", "tools"));
  static final ModelSpec REASONING = model("thinker", Set.of("reasoning", "tools"));
  static final Function<String, ModelSpec> CATALOG =
      Map.of(PLAIN.id(), PLAIN, VISION.id(), VISION, REASONING.id(), REASONING)::get;

  static ModelSpec model(String id, Set<String> capabilities) {
    return new ModelSpec(id, id + "-upstream", "p", "f", Tier.BUDGET, capabilities, 128_000, 1, 2, List.of("us-east"), 500, 50);
  }

  /** A request for {@code model} with one user turn and max_tokens 100, plus {@code extra} fields. */
  static String request(String model, String extra) {
    return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
        + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  static String withMessages(String messages) {
    return "{\"model\":\"plain\",\"max_tokens\":100,\"messages\":" + messages + "}";
  }

  static ChatRequest map(String body) {
    return MessagesRequestMapper.map(new JsonObject(body), CATALOG);
  }

  static Stream<Arguments> rules() {
    String toolUse = "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Reading.\"},"
        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"read\",\"input\":{\"path\":\"a.txt\"}}]}";
    return Stream.of(
        // rule, Anthropic request, field of the chat body, its expected value
        Arguments.of("model kept (tiers and auto route as on chat)", request("auto", ""), "model", "auto"),
        Arguments.of("max_tokens -> max_completion_tokens", request("plain", ""), "max_completion_tokens", 100),
        Arguments.of("system string -> leading system message", request("plain", "\"system\":\"Be brief.\""),
            "messages", "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hi\"}]"),
        Arguments.of("system blocks (cache_control accepted) -> one system message",
            request("plain", "\"system\":[{\"type\":\"text\",\"text\":\"A\"},{\"type\":\"text\",\"text\":\"B\",\"cache_control\":{\"type\":\"ephemeral\"}}]"),
            "messages", "[{\"role\":\"system\",\"content\":\"A\\n\\nB\"},{\"role\":\"user\",\"content\":\"hi\"}]"),
        Arguments.of("text blocks -> one string",
            withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}]"),
            "messages", "[{\"role\":\"user\",\"content\":\"a\\n\\nb\"}]"),
        Arguments.of("base64 image -> image_url data URL (vision model)",
            "{\"model\":\"seeing\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":"
                + "{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBO\"}},{\"type\":\"text\",\"text\":\"what?\"}]}]}",
            "messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBO\"}},"
                + "{\"type\":\"text\",\"text\":\"what?\"}]}]"),
        Arguments.of("url image -> image_url (a tier: route selection filters for vision)",
            "{\"model\":\"budget\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":"
                + "{\"type\":\"url\",\"url\":\"https://x/y.png\"}}]}]}",
            "messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]"),
        Arguments.of("tool_use -> tool_calls with JSON arguments", withMessages("[{\"role\":\"user\",\"content\":\"go\"}," + toolUse + "]"),
            "messages/1", "{\"role\":\"assistant\",\"content\":\"Reading.\",\"tool_calls\":[{\"id\":\"toolu_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a.txt\\\"}\"}}]}"),
        Arguments.of("tool_use only -> content null",
            withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":{}}]}]"),
            "messages/0/content", null),
        Arguments.of("tool_result (string) -> role tool message before the user's text",
            withMessages("[" + toolUse + ",{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                + "\"content\":\"42\"},{\"type\":\"text\",\"text\":\"and?\"}]}]"),
            "messages", "[{\"role\":\"assistant\",\"content\":\"Reading.\",\"tool_calls\":[{\"id\":\"toolu_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a.txt\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_1\",\"content\":\"42\"},{\"role\":\"user\",\"content\":\"and?\"}]"),
        Arguments.of("tool_result text blocks, is_error noted",
            withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"is_error\":true,"
                + "\"content\":[{\"type\":\"text\",\"text\":\"no such file\"}]}]}]"),
            "messages", "[{\"role\":\"tool\",\"tool_call_id\":\"t\",\"content\":\"Tool error: no such file\"}]"),
        Arguments.of("tool_result without content -> empty",
            withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\"}]}]"),
            "messages/0/content", ""),
        Arguments.of("thinking and redacted_thinking in history dropped",
            withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"s\"},"
                + "{\"type\":\"redacted_thinking\",\"data\":\"x\"},{\"type\":\"text\",\"text\":\"Yes.\"}]}]"),
            "messages", "[{\"role\":\"assistant\",\"content\":\"Yes.\"}]"),
        Arguments.of("tools -> functions (input_schema -> parameters)",
            request("plain", "\"tools\":[{\"name\":\"read\",\"description\":\"Reads\",\"input_schema\":{\"type\":\"object\"},"
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]"),
            "tools", "[{\"type\":\"function\",\"function\":{\"name\":\"read\",\"description\":\"Reads\",\"parameters\":{\"type\":\"object\"}}}]"),
        Arguments.of("tool_choice auto -> auto", request("plain", tools("{\"type\":\"auto\"}")), "tool_choice", "auto"),
        Arguments.of("tool_choice any -> required", request("plain", tools("{\"type\":\"any\"}")), "tool_choice", "required"),
        Arguments.of("tool_choice none -> none", request("plain", tools("{\"type\":\"none\"}")), "tool_choice", "none"),
        Arguments.of("tool_choice tool -> the function", request("plain", tools("{\"type\":\"tool\",\"name\":\"read\"}")),
            "tool_choice", "{\"type\":\"function\",\"function\":{\"name\":\"read\"}}"),
        Arguments.of("disable_parallel_tool_use -> parallel_tool_calls false",
            request("plain", tools("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}")), "parallel_tool_calls", false),
        Arguments.of("tool_choice without tools dropped", request("plain", "\"tool_choice\":{\"type\":\"any\"}"), "tool_choice", null),
        Arguments.of("stop_sequences -> stop", request("plain", "\"stop_sequences\":[\"END\"]"), "stop", "[\"END\"]"),
        Arguments.of("temperature kept", request("plain", "\"temperature\":0.2"), "temperature", 0.2),
        Arguments.of("top_p kept", request("plain", "\"top_p\":0.9"), "top_p", 0.9),
        Arguments.of("top_k dropped", request("plain", "\"top_k\":5"), "top_k", null),
        Arguments.of("metadata.user_id -> user", request("plain", "\"metadata\":{\"user_id\":\"u-1\"}"), "user", "u-1"),
        Arguments.of("stream kept", request("plain", "\"stream\":true"), "stream", true),
        Arguments.of("thinking -> reasoning_effort low below 4096",
            request("thinker", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}").replace("100", "9000"),
            "reasoning_effort", "low"),
        Arguments.of("thinking -> reasoning_effort medium below 16384",
            request("thinker", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":8000}").replace("100", "9000"),
            "reasoning_effort", "medium"),
        Arguments.of("thinking -> reasoning_effort high from 16384",
            request("thinker", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":16384}").replace("100", "32000"),
            "reasoning_effort", "high"),
        Arguments.of("thinking ignored on a model without reasoning",
            request("plain", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}").replace("100", "9000"),
            "reasoning_effort", null),
        Arguments.of("thinking ignored on a tier", request("premium", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}")
            .replace("100", "9000"), "reasoning_effort", null),
        Arguments.of("thinking disabled -> nothing", request("thinker", "\"thinking\":{\"type\":\"disabled\"}"), "reasoning_effort", null),
        Arguments.of("unknown fields dropped", request("plain", "\"service_tier\":\"auto\",\"container\":null"), "service_tier", null));
  }

  static String tools(String choice) {
    return "\"tools\":[{\"name\":\"read\",\"input_schema\":{\"type\":\"object\"}}],\"tool_choice\":" + choice;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void mapsEachRule(String rule, String request, String field, Object expected) {
    Object actual = at(map(request).body(), field);
    if (expected instanceof String text && (text.startsWith("[") || text.startsWith("{"))) {
      expected = text.startsWith("[") ? new JsonArray(text) : new JsonObject(text);
    }
    assertThat(actual).as(rule).isEqualTo(expected);
  }

  static Stream<Arguments> refusals() {
    String image = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"see\"},{\"type\":\"image\",\"source\":"
        + "{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBO\"}}]}]";
    return Stream.of(
        // refusal, request, the param the 400 names
        Arguments.of("max_tokens missing", "{\"model\":\"plain\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens"),
        Arguments.of("max_tokens zero", request("plain", "").replace("100", "0"), "max_tokens"),
        Arguments.of("max_tokens above the limit", request("plain", "").replace("100", "999999"), "max_tokens"),
        Arguments.of("model missing", "{\"max_tokens\":5,\"messages\":[]}", "model"),
        Arguments.of("messages missing", "{\"model\":\"plain\",\"max_tokens\":5}", "messages"),
        Arguments.of("messages empty", withMessages("[]"), "messages"),
        Arguments.of("system role in messages", withMessages("[{\"role\":\"system\",\"content\":\"x\"}]"), "messages[0].role"),
        Arguments.of("content missing", withMessages("[{\"role\":\"user\"}]"), "messages[0].content"),
        Arguments.of("image to a model without vision", withMessages(image), "messages[0].content[1]"),
        Arguments.of("image from a file", withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":"
            + "{\"type\":\"file\",\"file_id\":\"f\"}}]}]").replace("plain", "seeing"), "messages[0].content[0].source.type"),
        Arguments.of("document block", withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":{}}]}]"),
            "messages[0].content[0].type"),
        Arguments.of("empty text block", withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\"}]}]"),
            "messages[0].content[0].text"),
        Arguments.of("tool_use without input", withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\","
            + "\"id\":\"t\",\"name\":\"n\"}]}]"), "messages[0].content[0].input"),
        Arguments.of("image in a tool_result", withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
            + "\"tool_use_id\":\"t\",\"content\":[{\"type\":\"image\",\"source\":{}}]}]}]"), "messages[0].content[0].content[0].type"),
        Arguments.of("server tool", request("plain", "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]"), "tools[0].type"),
        Arguments.of("tool without input_schema", request("plain", "\"tools\":[{\"name\":\"read\"}]"), "tools[0].input_schema"),
        Arguments.of("unknown tool_choice", request("plain", tools("{\"type\":\"some\"}")), "tool_choice.type"),
        Arguments.of("tool_choice tool without name", request("plain", tools("{\"type\":\"tool\"}")), "tool_choice.name"),
        Arguments.of("temperature above 1", request("plain", "\"temperature\":1.5"), "temperature"),
        Arguments.of("stop sequence not a string", request("plain", "\"stop_sequences\":[1]"), "stop_sequences[0]"),
        Arguments.of("thinking budget below 1024", request("thinker", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":100}"),
            "thinking.budget_tokens"),
        Arguments.of("thinking budget not below max_tokens",
            request("thinker", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}").replace("100", "2000"), "thinking.budget_tokens"),
        Arguments.of("thinking of an unknown type", request("thinker", "\"thinking\":{\"type\":\"deep\"}"), "thinking.type"),
        Arguments.of("metadata not an object", request("plain", "\"metadata\":\"u\""), "metadata"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWithA400NamingTheField(String refusal, String request, String param) {
    OpenAiException e = catchThrowableOfType(() -> map(request), OpenAiException.class);
    assertThat(e).as(refusal).isNotNull();
    assertThat(e.error().status()).isEqualTo(400);
    assertThat(e.error().param()).isEqualTo(param);
    assertThat(e.error().message()).startsWith(param + ": ");
  }

  @Test
  void theRoutedRequestCarriesTheBudgetStreamFlagAndImagesForRouting() {
    ChatRequest chat = map(request("plain", "\"stream\":true"));
    assertThat(chat.model()).isEqualTo("plain");
    assertThat(chat.maxTokens()).isEqualTo(100);
    assertThat(chat.stream()).isTrue();
    assertThat(chat.includeUsage()).as("the pipeline asks for usage itself").isFalse();
  }

  @Test
  void theEffortRuleHasItsDocumentedEdges() {
    assertThat(MessagesRequestMapper.effortFor(1024)).isEqualTo("low");
    assertThat(MessagesRequestMapper.effortFor(4095)).isEqualTo("low");
    assertThat(MessagesRequestMapper.effortFor(4096)).isEqualTo("medium");
    assertThat(MessagesRequestMapper.effortFor(16383)).isEqualTo("medium");
    assertThat(MessagesRequestMapper.effortFor(16384)).isEqualTo("high");
  }

  /** The value at a slash path ({@code messages/1/content}) of the chat body; null when absent. */
  static Object at(JsonObject body, String path) {
    Object node = body;
    for (String step : path.split("/")) {
      if (node instanceof JsonObject object) {
        node = object.getValue(step);
      } else if (node instanceof JsonArray array) {
        node = array.getValue(Integer.parseInt(step));
      } else {
        return null;
      }
    }
    return node;
  }
}
