package dev.meridian.router.surface;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.Redaction;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.SseParser;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.SseEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream relay of every surface that is not chat completions: the upstream's chat-completions
 * events are parsed (never byte-matched), handed to the surface's mapper one chunk at a time, and the
 * mapper's events written to the client. The usage event Meridian asked for is read here, for billing,
 * and given to the mapper at the end; an upstream error event ends the stream in the surface's shape.
 */
public final class TranslatingRelay implements Surface.StreamRelay {
  private final EventMapper mapper;
  private final SecretRedactor redactor;
  private final SseParser parser = new SseParser(this::onData);
  private final List<SseEvent> pending = new ArrayList<>(4);
  private boolean started;
  private boolean ended;
  private JsonObject usage;
  private boolean upstreamFailed;
  private long contentChunks;

  public TranslatingRelay(EventMapper mapper, SecretRedactor redactor) {
    this.mapper = mapper;
    this.redactor = redactor;
  }

  @Override
  public Buffer accept(Buffer chunk) {
    if (!started) {
      started = true;
      pending.addAll(mapper.start());
    }
    if (!ended) {
      try {
        parser.feed(chunk);
      } catch (IllegalStateException tooLong) {
        fail("The provider sent an event line over " + SseParser.MAX_LINE_BYTES + " bytes.");
      }
    }
    return drain();
  }

  @Override
  public Buffer end() {
    if (!ended) {
      parser.finish();
    }
    if (!ended) {
      ended = true;
      pending.addAll(mapper.onEnd(usage));
    }
    return drain();
  }

  @Override
  public Usage usage(long promptTokensEstimate) {
    Usage reported = Usage.fromJson(usage);
    return reported != null ? reported : new Usage(promptTokensEstimate, contentChunks, true);
  }

  private void onData(String data) {
    if (ended) {
      return;
    }
    String text = data.trim();
    if (text.equals("[DONE]") || text.isEmpty()) {
      return;
    }
    JsonObject event;
    try {
      // Parsed with its strings redacted: a chunk quoting a key reaches the mapper masked.
      event = new JsonObject(Redaction.json(redactor, text));
    } catch (DecodeException | ClassCastException e) {
      // Not JSON: no provider streams content so; it is an error message in some dialect.
      fail("The provider's stream failed: " + text);
      return;
    }
    Object error = event.getValue("error");
    String type = event.getValue("type") instanceof String t ? t : "";
    if (error != null || type.endsWith("error")) {
      Object message = error instanceof JsonObject e ? e.getValue("message") : error instanceof String s ? s : event.getValue("message");
      fail("The provider's stream failed: " + (message == null ? event.encode() : message));
      return;
    }
    if (event.getValue("usage") instanceof JsonObject reported) {
      usage = reported;
    }
    if (event.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()) {
      contentChunks++;
      pending.addAll(mapper.onChunk(event));
    }
  }

  @Override
  public boolean upstreamFailed() {
    return upstreamFailed;
  }

  private void fail(String message) {
    ended = true;
    upstreamFailed = true;
    OpenAiError error = new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", redactor.redact(message), null);
    pending.addAll(mapper.onError(error));
  }

  private Buffer drain() {
    if (pending.isEmpty()) {
      return Buffer.buffer();
    }
    Buffer out = Buffer.buffer(256 * pending.size());
    for (SseEvent event : pending) {
      out.appendString(event.encode());
    }
    pending.clear();
    return out;
  }
}
