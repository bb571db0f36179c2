package dev.meridian.core.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatRequestParserTest {
  private static final String USER_HI = "[{\"role\":\"user\",\"content\":\"hi\"}]";

  private static String body(String extraFields) {
    return "{\"model\":\"glm-5\",\"messages\":" + USER_HI + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
  }

  private static String withMessages(String messages) {
    return "{\"model\":\"glm-5\",\"messages\":" + messages + "}";
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        // name, body, code, param
        Arguments.of("null body", null, "invalid_json", null),
        Arguments.of("empty body", "", "invalid_json", null),
        Arguments.of("blank body", "  \n", "invalid_json", null),
        Arguments.of("malformed JSON", "{\"model\":", "invalid_json", null),
        Arguments.of("not JSON", "model=glm-5", "invalid_json", null),
        Arguments.of("trailing garbage", body("") + " {}", "invalid_json", null),
        Arguments.of("JSON array body", "[" + body("") + "]", "invalid_json", null),
        Arguments.of("JSON string body", "\"hello\"", "invalid_json", null),
        Arguments.of("JSON null body", "null", "invalid_json", null),
        Arguments.of(
            "missing model", "{\"messages\":" + USER_HI + "}", "missing_required_parameter", "model"),
        Arguments.of(
            "null model",
            "{\"model\":null,\"messages\":" + USER_HI + "}",
            "missing_required_parameter",
            "model"),
        Arguments.of(
            "model not a string", "{\"model\":5,\"messages\":" + USER_HI + "}", "invalid_type", "model"),
        Arguments.of(
            "model an object", "{\"model\":{},\"messages\":" + USER_HI + "}", "invalid_type", "model"),
        Arguments.of(
            "blank model", "{\"model\":\"  \",\"messages\":" + USER_HI + "}", "invalid_type", "model"),
        Arguments.of("empty model", "{\"model\":\"\",\"messages\":" + USER_HI + "}", "invalid_type", "model"),
        Arguments.of("missing messages", "{\"model\":\"glm-5\"}", "missing_required_parameter", "messages"),
        Arguments.of("messages not an array", withMessages("\"hi\""), "invalid_type", "messages"),
        Arguments.of("messages an object", withMessages("{\"role\":\"user\"}"), "invalid_type", "messages"),
        Arguments.of("empty messages", withMessages("[]"), "empty_array", "messages"),
        Arguments.of("message not an object", withMessages("[\"hi\"]"), "invalid_type", "messages[0]"),
        Arguments.of("message null", withMessages("[null]"), "invalid_type", "messages[0]"),
        Arguments.of(
            "missing role",
            withMessages("[{\"content\":\"hi\"}]"),
            "missing_required_parameter",
            "messages[0].role"),
        Arguments.of(
            "unknown role",
            withMessages("[{\"role\":\"robot\",\"content\":\"hi\"}]"),
            "invalid_value",
            "messages[0].role"),
        Arguments.of(
            "role in the wrong case",
            withMessages("[{\"role\":\"User\",\"content\":\"hi\"}]"),
            "invalid_value",
            "messages[0].role"),
        Arguments.of(
            "missing content (user)",
            withMessages("[{\"role\":\"user\"}]"),
            "missing_required_parameter",
            "messages[0].content"),
        Arguments.of(
            "null content (system)",
            withMessages("[{\"role\":\"system\",\"content\":null}]"),
            "missing_required_parameter",
            "messages[0].content"),
        Arguments.of(
            "assistant with neither content nor tool_calls",
            withMessages("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\"}]"),
            "missing_required_parameter",
            "messages[1].content"),
        Arguments.of(
            "tool_calls on a user message do not excuse content",
            withMessages("[{\"role\":\"user\",\"tool_calls\":[]}]"),
            "missing_required_parameter",
            "messages[0].content"),
        Arguments.of(
            "content a number",
            withMessages("[{\"role\":\"user\",\"content\":42}]"),
            "invalid_type",
            "messages[0].content"),
        Arguments.of(
            "content an object",
            withMessages("[{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}]"),
            "invalid_type",
            "messages[0].content"),
        Arguments.of(
            "second message bad",
            withMessages("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"user\",\"content\":true}]"),
            "invalid_type",
            "messages[1].content"),
        Arguments.of("stream not boolean", body("\"stream\":\"yes\""), "invalid_type", "stream"),
        Arguments.of("stream a number", body("\"stream\":1"), "invalid_type", "stream"),
        Arguments.of(
            "stream_options not object", body("\"stream_options\":true"), "invalid_type", "stream_options"),
        Arguments.of(
            "include_usage not boolean",
            body("\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}"),
            "invalid_type",
            "stream_options.include_usage"),
        Arguments.of("max_tokens 0", body("\"max_tokens\":0"), "invalid_value", "max_tokens"),
        Arguments.of("max_tokens negative", body("\"max_tokens\":-5"), "invalid_value", "max_tokens"),
        Arguments.of("max_tokens fractional", body("\"max_tokens\":1.5"), "invalid_value", "max_tokens"),
        Arguments.of("max_tokens a string", body("\"max_tokens\":\"10\""), "invalid_value", "max_tokens"),
        Arguments.of(
            "max_tokens beyond int", body("\"max_tokens\":3000000000"), "invalid_value", "max_tokens"),
        Arguments.of(
            "max_completion_tokens 0",
            body("\"max_completion_tokens\":0"),
            "invalid_value",
            "max_completion_tokens"),
        Arguments.of(
            "max_completion_tokens a string",
            body("\"max_completion_tokens\":\"10\""),
            "invalid_value",
            "max_completion_tokens"),
        Arguments.of(
            "valid max_completion_tokens does not excuse a bad max_tokens",
            body("\"max_completion_tokens\":10,\"max_tokens\":-1"),
            "invalid_value",
            "max_tokens"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badRequestsAre400sWithCodeAndParam(String name, String body, String code, String param) {
    OpenAiException e =
        catchThrowableOfType(OpenAiException.class, () -> ChatRequestParser.parse(body));

    assertThat(e).as(name + ": expected an OpenAiException").isNotNull();
    OpenAiError error = e.error();
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.type()).isEqualTo(OpenAiError.INVALID_REQUEST);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.message()).isNotBlank();
    assertThat(e.getMessage()).isEqualTo(error.message());
    assertThat(e.getStackTrace()).as("stack-less").isEmpty();
  }

  @Test
  void unknownRoleMessageListsTheAllowedRoles() {
    OpenAiException e =
        catchThrowableOfType(
            OpenAiException.class,
            () -> ChatRequestParser.parse(withMessages("[{\"role\":\"robot\",\"content\":\"hi\"}]")));
    assertThat(e.getMessage()).contains("robot").contains("user").contains("assistant");
  }

  static Stream<Arguments> validMessages() {
    return Stream.of(
        Arguments.of("user string content", "[{\"role\":\"user\",\"content\":\"hi\"}]"),
        Arguments.of(
            "content parts",
            "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]"),
        Arguments.of("empty string content", "[{\"role\":\"user\",\"content\":\"\"}]"),
        Arguments.of(
            "system, developer, user",
            "[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"developer\",\"content\":\"d\"},"
                + "{\"role\":\"user\",\"content\":\"u\"}]"),
        Arguments.of(
            "assistant with tool_calls and null content, then the tool's answer",
            "[{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]"),
        Arguments.of(
            "assistant with tool_calls and no content field",
            "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"tool_calls\":[]}]"),
        Arguments.of(
            "assistant with a legacy function_call and null content",
            "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":null,"
                + "\"function_call\":{\"name\":\"w\",\"arguments\":\"{}\"}},"
                + "{\"role\":\"function\",\"name\":\"w\",\"content\":\"sunny\"}]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validMessages")
  void validMessagesAreAccepted(String name, String messages) {
    ChatRequest request = ChatRequestParser.parse(withMessages(messages));
    assertThat(request.model()).isEqualTo("glm-5");
    assertThat(request.body().getJsonArray("messages")).isEqualTo(new JsonArray(messages));
  }

  @Test
  void defaultsWhenOptionalFieldsAreAbsent() {
    ChatRequest request = ChatRequestParser.parse(body(""));
    assertThat(request.stream()).isFalse();
    assertThat(request.includeUsage()).isFalse();
    assertThat(request.maxTokens()).isNull();
  }

  @Test
  void nullOptionalFieldsCountAsAbsent() {
    ChatRequest request =
        ChatRequestParser.parse(
            body("\"stream\":null,\"stream_options\":null,\"max_tokens\":null,\"max_completion_tokens\":null"));
    assertThat(request.stream()).isFalse();
    assertThat(request.includeUsage()).isFalse();
    assertThat(request.maxTokens()).isNull();
  }

  @Test
  void unknownFieldsAreKeptInTheBody() {
    String tools =
        "[{\"type\":\"function\",\"function\":{\"name\":\"w\",\"parameters\":{\"type\":\"object\"}}}]";
    ChatRequest request =
        ChatRequestParser.parse(
            body("\"temperature\":0.2,\"tools\":" + tools + ",\"response_format\":{\"type\":\"json_object\"},\"user\":\"u-1\""));

    JsonObject kept = request.body();
    assertThat(kept.getDouble("temperature")).isEqualTo(0.2);
    assertThat(kept.getJsonArray("tools")).isEqualTo(new JsonArray(tools));
    assertThat(kept.getJsonObject("response_format").getString("type")).isEqualTo("json_object");
    assertThat(kept.getString("user")).isEqualTo("u-1");
    assertThat(kept.getString("model")).isEqualTo("glm-5");
  }

  @Test
  void streamAndIncludeUsageAreParsed() {
    ChatRequest request =
        ChatRequestParser.parse(body("\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
    assertThat(request.stream()).isTrue();
    assertThat(request.includeUsage()).isTrue();

    ChatRequest noUsage =
        ChatRequestParser.parse(body("\"stream\":true,\"stream_options\":{\"include_usage\":false}"));
    assertThat(noUsage.stream()).isTrue();
    assertThat(noUsage.includeUsage()).isFalse();

    ChatRequest emptyOptions = ChatRequestParser.parse(body("\"stream\":false,\"stream_options\":{}"));
    assertThat(emptyOptions.stream()).isFalse();
    assertThat(emptyOptions.includeUsage()).isFalse();
  }

  static Stream<Arguments> budgets() {
    return Stream.of(
        // fields, expected maxTokens
        Arguments.of("\"max_tokens\":100", 100),
        Arguments.of("\"max_completion_tokens\":50", 50),
        Arguments.of("\"max_tokens\":100,\"max_completion_tokens\":50", 50),
        Arguments.of("\"max_completion_tokens\":50,\"max_tokens\":100", 50),
        Arguments.of("\"max_tokens\":1", 1),
        Arguments.of("\"max_tokens\":131072", 131_072),
        Arguments.of("\"max_tokens\":64.0", 64));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("budgets")
  void maxCompletionTokensWinsOverMaxTokens(String fields, int expected) {
    assertThat(ChatRequestParser.parse(body(fields)).maxTokens()).isEqualTo(expected);
  }

  @Test
  void upstreamBodyReplacesTheModelWithoutTouchingTheOriginal() {
    ChatRequest request =
        ChatRequestParser.parse(body("\"temperature\":0.5,\"metadata\":{\"k\":\"v\"}"));
    String before = request.body().encode();

    JsonObject upstream = request.upstreamBody("glm-5-upstream");
    upstream.getJsonObject("metadata").put("k", "changed");
    upstream.getJsonArray("messages").add(new JsonObject().put("role", "user").put("content", "x"));

    assertThat(upstream.getString("model")).isEqualTo("glm-5-upstream");
    assertThat(upstream.getDouble("temperature")).isEqualTo(0.5);
    assertThat(request.body().encode()).as("original untouched, deep").isEqualTo(before);
    assertThat(request.body().getString("model")).isEqualTo("glm-5");
    assertThat(request.model()).isEqualTo("glm-5");
  }

  @Test
  void validateAcceptsAnAlreadyParsedObject() {
    JsonObject json =
        new JsonObject()
            .put("model", "budget")
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
            .put("max_tokens", 7);
    ChatRequest request = ChatRequestParser.validate(json);
    assertThat(request.model()).isEqualTo("budget");
    assertThat(request.maxTokens()).isEqualTo(7);
  }
}
