package dev.meridian.core.translate.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.json.Json;
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

/** One row per mapping rule of a Responses request, and one per refusal. */
class ResponsesRequestMapperTest {
  static final ModelSpec PLAIN = model("plain", Set.of("tools"));
  static final ModelSpec VISION = model("seeing", Set.of("vision", "tools"));
  static final ModelSpec REASONING = model("thinker", Set.of("reasoning", "tools"));
  static final Function<String, ModelSpec> CATALOG =
      Map.of(PLAIN.id(), PLAIN, VISION.id(), VISION, REASONING.id(), REASONING)::get;
  static final JsonObject SERVED_CALL = new JsonObject("{\"type\":\"function_call\",\"id\":\"fc_a0\",\"call_id\":\"call_7\","
      + "\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\",\"status\":\"completed\"}");
  static final JsonObject SERVED_TEXT = new JsonObject("{\"type\":\"message\",\"id\":\"msg_a0\",\"role\":\"assistant\","
      + "\"status\":\"completed\",\"content\":[{\"type\":\"output_text\",\"text\":\"Checking.\",\"annotations\":[]}]}");
  static final Function<String, JsonObject> SERVED = Map.of("fc_a0", SERVED_CALL, "msg_a0", SERVED_TEXT)::get;

  static ModelSpec model(String id, Set<String> capabilities) {
    return new ModelSpec(id, id + "-upstream", "p", "f", Tier.BUDGET, capabilities, 128_000, 1, 2, List.of("us-east"), 500, 50);
  }

  static String request(String model, String extra) {
    return "{\"model\":\"" + model + "\",\"input\":\"hi\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  static String withInput(String input) {
    return "{\"model\":\"plain\",\"input\":" + input + "}";
  }

  static ChatRequest map(String body) {
    return ResponsesRequestMapper.map(new JsonObject(body), CATALOG, SERVED);
  }

  static Stream<Arguments> rules() {
    String call = "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a\\\"}\"}";
    String output = "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"text of a\"}";
    String toolCalls = "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a\\\"}\"}}]";
    return Stream.of(
        // rule, Responses request, field of the chat body, its expected value (JSON)
        Arguments.of("model kept (tiers, auto and aliases route as on chat)", request("auto", ""), "model", "\"auto\""),
        Arguments.of("input string -> one user message", request("plain", ""), "messages",
            "[{\"role\":\"user\",\"content\":\"hi\"}]"),
        Arguments.of("instructions -> leading system message", request("plain", "\"instructions\":\"Be brief.\""),
            "messages", "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hi\"}]"),
        Arguments.of("developer role -> system; text parts joined",
            withInput("[{\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"A\"},{\"type\":\"input_text\",\"text\":\"B\"}]},"
                + "{\"type\":\"message\",\"role\":\"user\",\"content\":\"hi\"}]"),
            "messages", "[{\"role\":\"system\",\"content\":\"A\\n\\nB\"},{\"role\":\"user\",\"content\":\"hi\"}]"),
        Arguments.of("assistant output_text in history -> assistant text",
            withInput("[{\"role\":\"user\",\"content\":\"hi\"},{\"type\":\"message\",\"role\":\"assistant\",\"content\":"
                + "[{\"type\":\"output_text\",\"text\":\"Hello.\",\"annotations\":[]}]},{\"role\":\"user\",\"content\":\"more\"}]"),
            "messages", "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
                + "{\"role\":\"user\",\"content\":\"more\"}]"),
        Arguments.of("function_call -> assistant tool_calls; its output -> tool message",
            withInput("[{\"role\":\"user\",\"content\":\"read a\"}," + call + "," + output + "]"),
            "messages", "[{\"role\":\"user\",\"content\":\"read a\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                + toolCalls + "},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"text of a\"}]"),
        Arguments.of("a function_call joins the assistant text before it",
            withInput("[{\"role\":\"user\",\"content\":\"read a\"},{\"role\":\"assistant\",\"content\":\"Reading.\"}," + call + "," + output + "]"),
            "messages", "[{\"role\":\"user\",\"content\":\"read a\"},{\"role\":\"assistant\",\"content\":\"Reading.\",\"tool_calls\":"
                + toolCalls + "},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"text of a\"}]"),
        Arguments.of("reasoning items dropped",
            withInput("[{\"role\":\"user\",\"content\":\"hi\"},{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]}]"),
            "messages", "[{\"role\":\"user\",\"content\":\"hi\"}]"),
        Arguments.of("item_reference -> the item this router served",
            withInput("[{\"role\":\"user\",\"content\":\"weather?\"},{\"type\":\"item_reference\",\"id\":\"msg_a0\"},"
                + "{\"type\":\"item_reference\",\"id\":\"fc_a0\"},{\"type\":\"function_call_output\",\"call_id\":\"call_7\",\"output\":\"sunny\"}]"),
            "messages", "[{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\",\"content\":\"Checking.\",\"tool_calls\":"
                + "[{\"id\":\"call_7\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_7\",\"content\":\"sunny\"}]"),
        Arguments.of("input_image -> image_url part (vision model)",
            "{\"model\":\"seeing\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"what?\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AAAA\",\"detail\":\"low\"}]}]}",
            "messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what?\"},{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/png;base64,AAAA\",\"detail\":\"low\"}}]}]"),
        Arguments.of("max_output_tokens -> max_completion_tokens", request("plain", "\"max_output_tokens\":64"),
            "max_completion_tokens", "64"),
        Arguments.of("function tools -> chat tools", request("plain",
                "\"tools\":[{\"type\":\"function\",\"name\":\"read\",\"description\":\"Reads\",\"parameters\":{\"type\":\"object\"},\"strict\":true}]"),
            "tools", "[{\"type\":\"function\",\"function\":{\"name\":\"read\",\"description\":\"Reads\",\"parameters\":{\"type\":\"object\"},\"strict\":true}}]"),
        Arguments.of("tool_choice function -> chat's named choice", request("plain",
                "\"tools\":[{\"type\":\"function\",\"name\":\"read\"}],\"tool_choice\":{\"type\":\"function\",\"name\":\"read\"}"),
            "tool_choice", "{\"type\":\"function\",\"function\":{\"name\":\"read\"}}"),
        Arguments.of("tool_choice required kept", request("plain",
            "\"tools\":[{\"type\":\"function\",\"name\":\"read\"}],\"tool_choice\":\"required\""), "tool_choice", "\"required\""),
        Arguments.of("tool_choice without tools dropped", request("plain", "\"tool_choice\":\"auto\""), "tool_choice", "null"),
        Arguments.of("text.format json_schema -> response_format json_schema", request("plain",
                "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"city\",\"schema\":{\"type\":\"object\"},\"strict\":true}}"),
            "response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"city\",\"schema\":{\"type\":\"object\"},\"strict\":true}}"),
        Arguments.of("text.format json_object -> response_format json_object",
            request("plain", "\"text\":{\"format\":{\"type\":\"json_object\"}}"), "response_format", "{\"type\":\"json_object\"}"),
        Arguments.of("text.format text -> nothing", request("plain", "\"text\":{\"format\":{\"type\":\"text\"},\"verbosity\":\"low\"}"),
            "response_format", "null"),
        Arguments.of("reasoning.effort kept for a reasoning model", request("thinker", "\"reasoning\":{\"effort\":\"high\"}"),
            "reasoning_effort", "\"high\""),
        Arguments.of("reasoning.effort minimal -> low", request("thinker", "\"reasoning\":{\"effort\":\"minimal\"}"),
            "reasoning_effort", "\"low\""),
        Arguments.of("reasoning.effort dropped for a model without reasoning", request("plain", "\"reasoning\":{\"effort\":\"high\"}"),
            "reasoning_effort", "null"),
        Arguments.of("reasoning.effort dropped for a tier", request("budget", "\"reasoning\":{\"effort\":\"high\"}"),
            "reasoning_effort", "null"),
        Arguments.of("top_logprobs -> logprobs and top_logprobs", request("plain", "\"top_logprobs\":3"), "top_logprobs", "3"),
        Arguments.of("temperature kept", request("plain", "\"temperature\":0.2"), "temperature", "0.2"),
        Arguments.of("store false accepted", request("plain", "\"store\":false"), "store", "null"),
        Arguments.of("stream kept", request("plain", "\"stream\":true"), "stream", "true"),
        Arguments.of("include, truncation, metadata dropped",
            request("plain", "\"include\":[\"reasoning.encrypted_content\"],\"truncation\":\"auto\",\"metadata\":{\"a\":\"b\"}"),
            "metadata", "null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void mapsTheRule(String rule, String request, String field, String expected) {
    Object value = map(request).body().getValue(field);
    assertThat(value == null ? "null" : Json.encode(value)).isEqualTo(Json.encode(Json.decodeValue(expected)));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        // refusal, request, param named
        Arguments.of("model missing", "{\"input\":\"hi\"}", "model"),
        Arguments.of("input missing", "{\"model\":\"plain\"}", "input"),
        Arguments.of("input empty array", withInput("[]"), "input"),
        Arguments.of("store true (stateless)", request("plain", "\"store\":true"), "store"),
        Arguments.of("previous_response_id (stateless)", request("plain", "\"previous_response_id\":\"resp_1\""), "previous_response_id"),
        Arguments.of("conversation (stateless)", request("plain", "\"conversation\":\"conv_1\""), "conversation"),
        Arguments.of("background (stateless)", request("plain", "\"background\":true"), "background"),
        Arguments.of("built-in tool", request("plain", "\"tools\":[{\"type\":\"web_search\"}]"), "tools[0].type"),
        Arguments.of("function tool without a name", request("plain", "\"tools\":[{\"type\":\"function\"}]"), "tools[0].name"),
        Arguments.of("tool_choice of a built-in tool", request("plain",
            "\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],\"tool_choice\":{\"type\":\"file_search\"}"), "tool_choice.type"),
        Arguments.of("json_schema without a schema", request("plain",
            "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\"}}"), "text.format.schema"),
        Arguments.of("unknown text.format", request("plain", "\"text\":{\"format\":{\"type\":\"yaml\"}}"), "text.format.type"),
        Arguments.of("unknown reasoning.effort", request("thinker", "\"reasoning\":{\"effort\":\"max\"}"), "reasoning.effort"),
        Arguments.of("max_output_tokens 0", request("plain", "\"max_output_tokens\":0"), "max_output_tokens"),
        Arguments.of("temperature above 2", request("plain", "\"temperature\":3"), "temperature"),
        Arguments.of("image to a model without vision", withInput(
            "[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"https://x/y.png\"}]}]"), "input[0].content[0]"),
        Arguments.of("image as a file id", "{\"model\":\"seeing\",\"input\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"input_image\",\"file_id\":\"file-1\"}]}]}", "input[0].content[0].file_id"),
        Arguments.of("input_file part", withInput("[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]"),
            "input[0].content[0].type"),
        Arguments.of("unknown role", withInput("[{\"role\":\"robot\",\"content\":\"hi\"}]"), "input[0].role"),
        Arguments.of("hosted-tool item", withInput("[{\"type\":\"web_search_call\",\"id\":\"ws_1\"}]"), "input[0].type"),
        Arguments.of("function_call without call_id", withInput("[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]"),
            "input[0].call_id"),
        Arguments.of("function_call arguments as an object", withInput(
            "[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{}}]"), "input[0].arguments"),
        Arguments.of("function_call_output without output", withInput(
            "[{\"type\":\"function_call_output\",\"call_id\":\"c\"}]"), "input[0].output"),
        Arguments.of("item_reference to an item never served", withInput(
            "[{\"type\":\"item_reference\",\"id\":\"msg_unknown\"}]"), "input[0].id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesNamingTheParam(String refusal, String request, String param) {
    OpenAiException refused = catchThrowableOfType(() -> map(request), OpenAiException.class);
    assertThat(refused).as(refusal).isNotNull();
    assertThat(refused.error().status()).isEqualTo(400);
    assertThat(refused.error().param()).isEqualTo(param);
    assertThat(refused.error().message()).isNotBlank();
  }

  @Test
  void theStatelessRefusalSaysWhatToDoInstead() {
    OpenAiException refused = catchThrowableOfType(() -> map(request("plain", "\"store\":true")), OpenAiException.class);
    assertThat(refused.error().message()).contains("stateless").contains("input");
    OpenAiException unknown = catchThrowableOfType(
        () -> map(withInput("[{\"type\":\"item_reference\",\"id\":\"msg_gone\"}]")), OpenAiException.class);
    assertThat(unknown.error().message()).contains("msg_gone").contains("store = false");
  }

  @Test
  void theRequestIsValidatedAsChatCompletionsAreAndKeepsTheStreamFlag() {
    ChatRequest mapped = map(request("plain", "\"stream\":true,\"max_output_tokens\":12"));
    assertThat(mapped.stream()).isTrue();
    assertThat(mapped.maxTokens()).isEqualTo(12);
    assertThat(mapped.model()).isEqualTo("plain");
  }
}
