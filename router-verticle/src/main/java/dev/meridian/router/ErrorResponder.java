package dev.meridian.router;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns a failure into an HTTP status and an OpenAI error body. */
public final class ErrorResponder {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

  /** Honoured by the OpenAI and Anthropic SDKs over their own status-based retry rule. */
  static final String SHOULD_RETRY = "x-should-retry";
  /** The drain refusal's code: a retry reaches another pod, so it is worth making. */
  static final String SHUTTING_DOWN = "shutting_down";

  private ErrorResponder() {}

  /**
   * {@code x-should-retry} for {@code error}, or null to leave the SDK's own rule. A 5xx comes after
   * Meridian has tried its own candidates (with its own retries, fallbacks and retry budget): an SDK
   * retrying the whole request again (two more times by default) only multiplies the load on providers
   * that are already failing. A 429 keeps its Retry-After and the SDK's backoff; a drain refusal says
   * retry explicitly.
   */
  static String shouldRetry(OpenAiError error) {
    if (SHUTTING_DOWN.equals(error.code())) {
      return "true";
    }
    return error.status() >= 500 ? "false" : null;
  }

  static OpenAiError toError(Throwable failure) {
    if (failure instanceof OpenAiException openAi) {
      return openAi.error();
    }
    LOG.error("unexpected failure while handling a request", failure);
    return OpenAiError.internal();
  }

  /**
   * Writes {@code error} in the shape the caller's SDK parses: Anthropic's when the request carries
   * {@code anthropic-version} (Anthropic's SDKs always send it, on every path), else OpenAI's. For
   * answers outside a surface: 404, 405, 401 and unreadable requests on any path.
   */
  static void sendFor(io.vertx.core.http.HttpServerRequest request, OpenAiError error) {
    if (request.getHeader("anthropic-version") != null) {
      send(request.response(), error, dev.meridian.core.translate.anthropic.AnthropicErrors.toJson(error).toBuffer());
    } else {
      send(request.response(), error);
    }
  }

  /** Writes {@code error} unless the response has already started; then there is nothing to add. */
  static void send(HttpServerResponse response, OpenAiError error) {
    send(response, error, error.toJson().toBuffer());
  }

  /** Writes {@code error}'s status with a body in a surface's own error shape. */
  static void send(HttpServerResponse response, OpenAiError error, Buffer body) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    String retry = shouldRetry(error);
    if (retry != null) {
      response.putHeader(SHOULD_RETRY, retry);
    }
    response
        .setStatusCode(error.status())
        .putHeader("content-type", "application/json")
        .putHeader("content-length", Integer.toString(body.length()))
        .end(body);
  }

  /** The SSE event that ends a stream which failed after its first byte reached the client. */
  public static Buffer streamErrorEvent(OpenAiError error) {
    return Buffer.buffer("data: " + error.toJson().encode() + "\n\n");
  }
}
