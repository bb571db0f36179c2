package dev.meridian.router.surface;

import dev.meridian.core.openai.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Reading the JSON that translated surfaces get from clients and providers. */
public final class TranslatedBodies {
  private TranslatedBodies() {}

  /** The client's body as a JSON object, or a 400 saying what is wrong with it. */
  public static JsonObject object(Buffer body) {
    return dev.meridian.core.openai.ChatRequestParser.parseObject(body.toString());
  }

  /**
   * A provider's 4xx (already redacted) as an error: its OpenAI-shaped message when it has one, else a
   * plain sentence; the status stays the provider's.
   */
  public static OpenAiError upstreamError(int status, String body) {
    String message = "The provider rejected the request with HTTP " + status + ".";
    String code = "upstream_rejected";
    String param = null;
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      if (error != null && error.getValue("message") instanceof String text) {
        message = text;
        code = error.getValue("code") instanceof String c ? c : code;
        param = error.getValue("param") instanceof String p ? p : null;
      }
    } catch (DecodeException | ClassCastException e) {
      // Not JSON: the plain sentence.
    }
    return new OpenAiError(status, OpenAiError.INVALID_REQUEST, code, message, param);
  }
}
