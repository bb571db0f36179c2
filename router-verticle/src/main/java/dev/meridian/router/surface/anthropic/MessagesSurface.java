package dev.meridian.router.surface.anthropic;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.anthropic.AnthropicErrors;
import dev.meridian.core.translate.anthropic.MessageContext;
import dev.meridian.core.translate.anthropic.MessagesRequestMapper;
import dev.meridian.core.translate.anthropic.MessagesResponseMapper;
import dev.meridian.core.translate.anthropic.MessagesStreamMapper;
import dev.meridian.core.translate.anthropic.TokenCount;
import dev.meridian.router.surface.Surface;
import dev.meridian.router.surface.TranslatedAnswer;
import dev.meridian.router.surface.TranslatedBodies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * {@code POST /v1/messages}, Anthropic's Messages API, translated: the request becomes a chat-completions
 * request (core's {@link MessagesRequestMapper}) that the one pipeline routes, and the upstream's answer
 * comes back as an Anthropic message or event stream. Every refusal, the pipeline's too (401, 403, 429,
 * 5xx), is written in Anthropic's error shape.
 */
public final class MessagesSurface implements Surface {
  public static final String PATH = "/v1/messages";

  private final Supplier<SecretRedactor> redactor;
  private final Supplier<Catalog> catalog;

  /**
   * @param redactor the redactor of the catalog in force, read per request (it follows reloads)
   * @param catalog the catalog in force, for what the model named can do (vision, reasoning)
   */
  public MessagesSurface(Supplier<SecretRedactor> redactor, Supplier<Catalog> catalog) {
    this.redactor = redactor;
    this.catalog = catalog;
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public Parsed parse(Buffer body, HttpServerRequest http) {
    JsonObject wire = TranslatedBodies.object(body);
    return new Parsed(MessagesRequestMapper.map(wire, catalog.get()::model), wire);
  }

  @Override
  public Buffer errorBody(OpenAiError error) {
    return AnthropicErrors.toJson(error).toBuffer();
  }

  @Override
  public Answer answer(Parsed parsed, ChatRequest chat, String requestId) {
    MessageContext context = MessageContext.of(messageId(), parsed.wire(), TokenCount.estimate(chat));
    SecretRedactor redact = redactor.get();
    return new TranslatedAnswer(redact) {
      private NativeMessagesAnswer nativeAnswer;

      @Override
      public NativeCall nativeCall(Endpoint endpoint) {
        if (endpoint.messagesUrl() == null) {
          return null;
        }
        if (nativeAnswer == null) {
          nativeAnswer = new NativeMessagesAnswer(redact, parsed.wire().getString("model"));
        }
        return new NativeCall(endpoint.messagesUrl(), nativeBody(parsed.wire(), endpoint).toBuffer(), "x-api-key",
            NATIVE_HEADERS, nativeAnswer);
      }

      @Override
      protected JsonObject translate(JsonObject completion) {
        return MessagesResponseMapper.map(completion, context);
      }

      @Override
      protected Buffer errorBody(OpenAiError error) {
        return MessagesSurface.this.errorBody(error);
      }

      @Override
      protected EventMapper mapper() {
        return new MessagesStreamMapper(context);
      }
    };
  }

  /** What a provider's own Messages API is sent beside its key. */
  static final java.util.Map<String, String> NATIVE_HEADERS = java.util.Map.of("anthropic-version", "2023-06-01");

  /**
   * The client's Messages request for a provider's own Messages API: unchanged but for the provider's
   * model name. (A key's output cap needs no change here: Messages requests carry max_tokens, and one
   * above the cap is refused before routing.)
   */
  static JsonObject nativeBody(JsonObject wire, Endpoint endpoint) {
    return new JsonObject(new java.util.LinkedHashMap<>(wire.getMap())).put("model", endpoint.model().upstreamId());
  }

  /** {@code msg_} and 24 random hex digits. */
  static String messageId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "msg_" + String.format("%016x%08x", random.nextLong(), random.nextInt());
  }

}
