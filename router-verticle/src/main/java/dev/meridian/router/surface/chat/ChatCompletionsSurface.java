package dev.meridian.router.surface.chat;

import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.router.ErrorResponder;
import dev.meridian.router.surface.Surface;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/**
 * {@code POST /v1/chat/completions}: the upstreams speak it too, so the answer passes through as the
 * provider sent it (no re-encoding), but for the usage event Meridian asked for and the client did not,
 * and redaction of error events.
 */
public final class ChatCompletionsSurface implements Surface {
  public static final String PATH = "/v1/chat/completions";
  private static final Buffer EMPTY = Buffer.buffer();

  private final Supplier<SecretRedactor> redactor;

  /** @param redactor the redactor of the catalog in force, read per request (it follows reloads) */
  public ChatCompletionsSurface(Supplier<SecretRedactor> redactor) {
    this.redactor = redactor;
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public Parsed parse(Buffer body, HttpServerRequest http) {
    return new Parsed(ChatRequestParser.parse(body.toString()), null);
  }

  @Override
  public Buffer errorBody(OpenAiError error) {
    return error.toJson().toBuffer();
  }

  @Override
  public Answer answer(Parsed parsed, ChatRequest request, String requestId) {
    SecretRedactor redact = redactor.get();
    return new Answer() {
      @Override
      public Buffer body(Buffer upstreamBody) {
        return upstreamBody;
      }

      @Override
      public String contentType(String upstreamContentType) {
        return upstreamContentType == null ? "application/json" : upstreamContentType;
      }

      @Override
      public StreamRelay stream() {
        SseUsageFilter filter = new SseUsageFilter(request.includeUsage(), redact);
        return new StreamRelay() {
          @Override
          public Buffer accept(Buffer chunk) {
            return filter.accept(chunk);
          }

          @Override
          public Buffer end() {
            return filter.flush();
          }

          @Override
          public dev.meridian.core.openai.Usage usage(long promptTokensEstimate) {
            return filter.usage(promptTokensEstimate);
          }

          @Override
          public boolean upstreamFailed() {
            return filter.sawError();
          }
        };
      }

      @Override
      public Buffer clientError(int status, String upstreamBody) {
        return upstreamBody.isEmpty() ? EMPTY : Buffer.buffer(upstreamBody);
      }

      @Override
      public Buffer streamError(OpenAiError error) {
        return ErrorResponder.streamErrorEvent(error);
      }
    };
  }
}
