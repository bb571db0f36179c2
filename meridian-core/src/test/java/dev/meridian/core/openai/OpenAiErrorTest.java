package dev.meridian.core.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenAiErrorTest {

  static Stream<Arguments> factories() {
    return Stream.of(
        // name, error, status, type, code, param, a word the message must carry
        Arguments.of(
            "invalidRequest",
            OpenAiError.invalidRequest("invalid_value", "bad temperature", "temperature"),
            400, "invalid_request_error", "invalid_value", "temperature", "bad temperature"),
        Arguments.of(
            "invalidJson", OpenAiError.invalidJson("unexpected end"),
            400, "invalid_request_error", "invalid_json", null, "unexpected end"),
        Arguments.of(
            "modelNotFound", OpenAiError.modelNotFound("gpt-9"),
            404, "invalid_request_error", "model_not_found", "model", "gpt-9"),
        Arguments.of(
            "notFound", OpenAiError.notFound("/v2/nothing"),
            404, "invalid_request_error", "unknown_url", null, "/v2/nothing"),
        Arguments.of(
            "notFound with advice", OpenAiError.notFound("/models", "Add /v1 to the base URL."),
            404, "invalid_request_error", "unknown_url", null, "Add /v1 to the base URL."),
        Arguments.of(
            "requestTooLarge", OpenAiError.requestTooLarge(1_048_576),
            413, "invalid_request_error", "request_too_large", null, "1048576"),
        Arguments.of(
            "upstreamFailed", OpenAiError.upstreamFailed("glm-5", 3, "HTTP 500"),
            502, "server_error", "upstream_error", null, "HTTP 500"),
        Arguments.of(
            "noHealthyEndpoint", OpenAiError.noHealthyEndpoint("budget"),
            503, "server_error", "no_healthy_endpoint", "model", "budget"),
        Arguments.of(
            "upstreamTimeout", OpenAiError.upstreamTimeout("glm-5", 30_000),
            504, "server_error", "upstream_timeout", null, "30000"),
        Arguments.of(
            "unsupportedMediaType", OpenAiError.unsupportedMediaType("text/plain"),
            415, "invalid_request_error", "unsupported_media_type", null, "text/plain"),
        Arguments.of(
            "methodNotAllowed", OpenAiError.methodNotAllowed("GET", "/v1/chat/completions"),
            405, "invalid_request_error", "method_not_allowed", null, "GET"),
        Arguments.of(
            "internal", OpenAiError.internal(),
            500, "server_error", "internal_error", null, "router"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factories")
  void factoriesHaveTheRightStatusAndShape(
      String name, OpenAiError error, int status, String type, String code, String param, String mention) {
    assertThat(error.status()).isEqualTo(status);
    assertThat(error.type()).isEqualTo(type);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.message()).contains(mention);

    JsonObject json = error.toJson();
    assertThat(json.fieldNames()).containsExactly("error");
    JsonObject inner = json.getJsonObject("error");
    assertThat(inner.fieldNames()).containsExactlyInAnyOrder("message", "type", "code", "param");
    assertThat(inner.getString("message")).isEqualTo(error.message());
    assertThat(inner.getString("type")).isEqualTo(type);
    assertThat(inner.getString("code")).isEqualTo(code);
    assertThat(inner.getString("param")).isEqualTo(param);
    assertThat(inner.containsKey("param")).as("param present even when null").isTrue();

    // The wire form keeps the same shape.
    JsonObject reparsed = new JsonObject(json.encode());
    assertThat(reparsed.getJsonObject("error").fieldNames())
        .containsExactlyInAnyOrder("message", "type", "code", "param");
  }

  @Test
  void upstreamFailedPluralisesAttempts() {
    assertThat(OpenAiError.upstreamFailed("m", 1, "x").message()).contains("1 attempt;");
    assertThat(OpenAiError.upstreamFailed("m", 2, "x").message()).contains("2 attempts;");
  }

  @Test
  void typesAreOnlyTheOnesOpenAiClientsKnow() {
    Set<String> known = Set.of(OpenAiError.INVALID_REQUEST, OpenAiError.SERVER_ERROR, OpenAiError.RATE_LIMIT);
    factories().forEach(a -> assertThat(known).contains(((OpenAiError) a.get()[1]).type()));
  }

  @Test
  void asExceptionCarriesTheErrorWithoutAStackTrace() {
    OpenAiError error = OpenAiError.noHealthyEndpoint("glm-5");
    OpenAiException e = error.asException();
    assertThat(e.error()).isSameAs(error);
    assertThat(e.getMessage()).isEqualTo(error.message());
    assertThat(e.getStackTrace()).isEmpty();
  }

  @Test
  void typeAndMessageAreRequired() {
    assertThatThrownBy(() -> new OpenAiError(400, null, "c", "m", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new OpenAiError(400, "t", "c", null, null))
        .isInstanceOf(NullPointerException.class);
  }
}
