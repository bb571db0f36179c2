package dev.meridian.router.surface;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.SseEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The answer renderer of a surface that translates: the upstream's chat-completions JSON is parsed and
 * mapped, its stream goes through a {@link TranslatingRelay}, and upstream 4xx errors are re-shaped.
 */
public abstract class TranslatedAnswer implements Surface.Answer {
  private final SecretRedactor redactor;
  private EventMapper streamMapper;

  protected TranslatedAnswer(SecretRedactor redactor) {
    this.redactor = redactor;
  }

  /** The surface's answer object for a chat completion. */
  protected abstract JsonObject translate(JsonObject completion);

  /** The surface's error body. */
  protected abstract Buffer errorBody(OpenAiError error);

  /** A fresh stream mapper. */
  protected abstract EventMapper mapper();

  @Override
  public Buffer body(Buffer upstreamBody) {
    JsonObject completion;
    try {
      completion = upstreamBody.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return errorBody(new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_invalid_response",
          "The provider's answer was not JSON.", null));
    }
    return translate(completion).toBuffer();
  }

  @Override
  public String contentType(String upstreamContentType) {
    return "application/json";
  }

  @Override
  public Surface.StreamRelay stream() {
    streamMapper = mapper();
    return new TranslatingRelay(streamMapper, redactor);
  }

  @Override
  public Buffer clientError(int status, String upstreamBody) {
    return errorBody(TranslatedBodies.upstreamError(status, upstreamBody));
  }

  @Override
  public Buffer streamError(OpenAiError error) {
    EventMapper mapper = streamMapper != null ? streamMapper : mapper();
    Buffer out = Buffer.buffer();
    for (SseEvent event : mapper.onError(error)) {
      out.appendString(event.encode());
    }
    return out;
  }
}
