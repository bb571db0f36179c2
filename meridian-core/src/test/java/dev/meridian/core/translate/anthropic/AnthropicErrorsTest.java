package dev.meridian.core.translate.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.OpenAiError;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error Meridian reports, in Anthropic's shape: the same status and message, Anthropic's type. */
class AnthropicErrorsTest {
  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(OpenAiError.invalidJson("boom"), "invalid_request_error"),
        Arguments.of(OpenAiError.unauthenticated("missing_api_key", "No API key."), "authentication_error"),
        Arguments.of(OpenAiError.permissionDenied("model_not_allowed", "No."), "permission_error"),
        Arguments.of(OpenAiError.modelNotFound("claude-x"), "not_found_error"),
        Arguments.of(OpenAiError.notFound("/v1/nope"), "not_found_error"),
        Arguments.of(OpenAiError.methodNotAllowed("GET", "/v1/messages"), "invalid_request_error"),
        Arguments.of(OpenAiError.requestTooLarge(10), "request_too_large"),
        Arguments.of(OpenAiError.unsupportedMediaType("text/plain"), "invalid_request_error"),
        Arguments.of(OpenAiError.concurrencyLimited("k", 1), "rate_limit_error"),
        Arguments.of(OpenAiError.allRateLimited("m", 3), "rate_limit_error"),
        Arguments.of(OpenAiError.internal(), "api_error"),
        Arguments.of(OpenAiError.upstreamFailed("m", 2, "HTTP 500"), "api_error"),
        Arguments.of(OpenAiError.noHealthyEndpoint("m"), "overloaded_error"),
        Arguments.of(new OpenAiError(529, OpenAiError.SERVER_ERROR, "overloaded", "Overloaded.", null), "overloaded_error"),
        Arguments.of(OpenAiError.upstreamTimeout("m", 100), "timeout_error"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("errors")
  void mapsByStatusKeepingTheMessage(OpenAiError error, String type) {
    JsonObject body = AnthropicErrors.toJson(error);
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getJsonObject("error").getString("type")).isEqualTo(type);
    assertThat(body.getJsonObject("error").getString("message")).isEqualTo(error.message());
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("type", "error");
  }

  @Test
  void theStreamEventIsNamedErrorAndCarriesTheBody() {
    OpenAiError error = OpenAiError.upstreamFailed("m", 1, "reset");
    assertThat(AnthropicErrors.event(error).encode())
        .isEqualTo("event: error\ndata: " + AnthropicErrors.toJson(error).encode() + "\n\n");
  }
}
