package dev.meridian.core.translate.anthropic;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.translate.SseEvent;
import io.vertx.core.json.JsonObject;

/**
 * Meridian's errors in Anthropic's shape, {@code {"type":"error","error":{"type","message"}}}: the same
 * status and the same message as the OpenAI error, with the type Anthropic's SDKs expect for that
 * status. The status decides, not the OpenAI type, so every refusal of the pipeline maps the same way.
 */
public final class AnthropicErrors {
  public static final String INVALID_REQUEST = "invalid_request_error";
  public static final String AUTHENTICATION = "authentication_error";
  public static final String PERMISSION = "permission_error";
  public static final String NOT_FOUND = "not_found_error";
  public static final String REQUEST_TOO_LARGE = "request_too_large";
  public static final String RATE_LIMIT = "rate_limit_error";
  public static final String TIMEOUT = "timeout_error";
  public static final String API_ERROR = "api_error";
  public static final String OVERLOADED = "overloaded_error";

  private AnthropicErrors() {}

  /** Anthropic's error type for an HTTP status. */
  public static String typeOf(int status) {
    switch (status) {
      case 401:
        return AUTHENTICATION;
      case 403:
        return PERMISSION;
      case 404:
        return NOT_FOUND;
      case 413:
        return REQUEST_TOO_LARGE;
      case 429:
        return RATE_LIMIT;
      case 503:
      case 529:
        // No healthy endpoint, or a draining router: Anthropic's "try again shortly".
        return OVERLOADED;
      case 504:
        return TIMEOUT;
      default:
        return status >= 500 ? API_ERROR : INVALID_REQUEST;
    }
  }

  /** The error body. */
  public static JsonObject toJson(OpenAiError error) {
    return new JsonObject()
        .put("type", "error")
        .put("error", new JsonObject().put("type", typeOf(error.status())).put("message", error.message()));
  }

  /** The {@code event: error} that ends a stream which failed after it began. */
  public static SseEvent event(OpenAiError error) {
    return SseEvent.named("error", toJson(error));
  }
}
