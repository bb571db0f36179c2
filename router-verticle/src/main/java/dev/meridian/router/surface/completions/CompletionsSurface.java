package dev.meridian.router.surface.completions;

import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.completions.CompletionContext;
import dev.meridian.core.translate.completions.CompletionsRequestMapper;
import dev.meridian.core.translate.completions.CompletionsResponseMapper;
import dev.meridian.core.translate.completions.CompletionsStreamMapper;
import dev.meridian.router.surface.Surface;
import dev.meridian.router.surface.TranslatedAnswer;
import dev.meridian.router.surface.TranslatedBodies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * {@code POST /v1/completions}, the legacy completions API, translated to chat completions (no seed
 * endpoint serves it): the prompt is sent as one user message and the answer comes back as a
 * {@code text_completion}, JSON or streamed, in the OpenAI error shape when refused.
 */
public final class CompletionsSurface implements Surface {
  public static final String PATH = "/v1/completions";

  private final Supplier<SecretRedactor> redactor;

  /** @param redactor the redactor of the catalog in force, read per request (it follows reloads) */
  public CompletionsSurface(Supplier<SecretRedactor> redactor) {
    this.redactor = redactor;
  }

  @Override
  public String genAiOperation() {
    return "text_completion";
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public Parsed parse(Buffer body, HttpServerRequest http) {
    JsonObject wire = TranslatedBodies.object(body);
    return new Parsed(CompletionsRequestMapper.map(wire), wire);
  }

  @Override
  public Buffer errorBody(OpenAiError error) {
    return error.toJson().toBuffer();
  }

  @Override
  public Answer answer(Parsed parsed, ChatRequest chat, String requestId) {
    CompletionContext context = CompletionContext.of(completionId(), System.currentTimeMillis() / 1000, parsed.wire());
    return new TranslatedAnswer(redactor.get()) {
      @Override
      protected JsonObject translate(JsonObject completion) {
        return CompletionsResponseMapper.map(completion, context);
      }

      @Override
      protected Buffer errorBody(OpenAiError error) {
        return CompletionsSurface.this.errorBody(error);
      }

      @Override
      protected EventMapper mapper() {
        return new CompletionsStreamMapper(context);
      }
    };
  }

  /** {@code cmpl-} and 24 random hex digits. */
  static String completionId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "cmpl-" + String.format("%016x%08x", random.nextLong(), random.nextInt());
  }
}
