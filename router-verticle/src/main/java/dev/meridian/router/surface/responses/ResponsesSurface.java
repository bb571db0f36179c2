package dev.meridian.router.surface.responses;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.SseEvent;
import dev.meridian.core.translate.anthropic.TokenCount;
import dev.meridian.core.translate.responses.ResponseContext;
import dev.meridian.core.translate.responses.ResponseItemStore;
import dev.meridian.core.translate.responses.ResponsesRequestMapper;
import dev.meridian.core.translate.responses.ResponsesResponseMapper;
import dev.meridian.core.translate.responses.ResponsesStreamMapper;
import dev.meridian.router.surface.Surface;
import dev.meridian.router.surface.TranslatedAnswer;
import dev.meridian.router.surface.TranslatedBodies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * {@code POST /v1/responses}, OpenAI's Responses API, translated: the request becomes a chat-completions
 * request (core's {@link ResponsesRequestMapper}) that the one pipeline routes, and the upstream's answer
 * comes back as a response object or the Responses event stream. Errors keep the OpenAI shape. The
 * output items served are kept a while ({@link ResponseItemStore}) for clients that refer to them.
 */
public final class ResponsesSurface implements Surface {
  public static final String PATH = "/v1/responses";

  private final Supplier<SecretRedactor> redactor;
  private final Supplier<Catalog> catalog;
  private final ResponseItemStore items;

  /**
   * @param redactor the redactor of the catalog in force, read per request (it follows reloads)
   * @param catalog the catalog in force, for what the model named can do (vision, reasoning)
   * @param items the node's served output items, shared by its router instances
   */
  public ResponsesSurface(Supplier<SecretRedactor> redactor, Supplier<Catalog> catalog, ResponseItemStore items) {
    this.redactor = redactor;
    this.catalog = catalog;
    this.items = items;
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public Parsed parse(Buffer body, HttpServerRequest http) {
    JsonObject wire = TranslatedBodies.object(body);
    return new Parsed(ResponsesRequestMapper.map(wire, catalog.get()::model, items::find), wire);
  }

  @Override
  public Buffer errorBody(OpenAiError error) {
    return error.toJson().toBuffer();
  }

  @Override
  public Answer answer(Parsed parsed, ChatRequest chat, String requestId) {
    ResponseContext context =
        new ResponseContext(responseId(), System.currentTimeMillis() / 1000, parsed.wire(), TokenCount.estimate(chat));
    return new TranslatedAnswer(redactor.get()) {
      @Override
      protected JsonObject translate(JsonObject completion) {
        JsonObject response = ResponsesResponseMapper.map(completion, context);
        JsonArray output = response.getJsonArray("output");
        List<JsonObject> served = new ArrayList<>(output.size());
        for (int i = 0; i < output.size(); i++) {
          served.add(output.getJsonObject(i));
        }
        items.keep(served);
        return response;
      }

      @Override
      protected Buffer errorBody(OpenAiError error) {
        return ResponsesSurface.this.errorBody(error);
      }

      @Override
      protected EventMapper mapper() {
        return new StreamEvents(new ResponsesStreamMapper(context), items);
      }
    };
  }

  /** {@code resp_} and 32 random hex digits. */
  static String responseId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "resp_" + String.format("%016x%016x", random.nextLong(), random.nextLong());
  }

  /** Core's stream mapper as the relay's event mapper; a finished stream's items are kept. */
  private static final class StreamEvents implements EventMapper {
    private final ResponsesStreamMapper mapper;
    private final ResponseItemStore items;

    StreamEvents(ResponsesStreamMapper mapper, ResponseItemStore items) {
      this.mapper = mapper;
      this.items = items;
    }

    @Override
    public List<SseEvent> start() {
      return mapper.start();
    }

    @Override
    public List<SseEvent> onChunk(JsonObject chatChunk) {
      return mapper.onChunk(chatChunk);
    }

    @Override
    public List<SseEvent> onEnd(JsonObject usage) {
      List<SseEvent> events = mapper.onEnd(usage);
      items.keep(mapper.outputItems());
      return events;
    }

    @Override
    public List<SseEvent> onError(OpenAiError error) {
      return mapper.onError(error);
    }
  }
}
