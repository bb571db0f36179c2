package dev.meridian.router;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns a failure into an HTTP status and an OpenAI error body. */
final class ErrorResponder {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

  private ErrorResponder() {}

  static OpenAiError toError(Throwable failure) {
    if (failure instanceof OpenAiException openAi) {
      return openAi.error();
    }
    LOG.error("unexpected failure while handling a request", failure);
    return OpenAiError.internal();
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
    response
        .setStatusCode(error.status())
        .putHeader("content-type", "application/json")
        .putHeader("content-length", Integer.toString(body.length()))
        .end(body);
  }

  /** The SSE event that ends a stream which failed after its first byte reached the client. */
  static Buffer streamErrorEvent(OpenAiError error) {
    return Buffer.buffer("data: " + error.toJson().encode() + "\n\n");
  }
}
