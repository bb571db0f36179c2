package dev.meridian.router.surface.anthropic;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.Redaction;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.SseParser;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.translate.SseEvent;
import dev.meridian.core.translate.anthropic.AnthropicErrors;
import dev.meridian.core.translate.anthropic.AnthropicUsage;
import dev.meridian.router.surface.Surface;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The answer of a provider's own Messages API, relayed as it came but for {@code model}, which says the
 * name the client sent, as a translated answer does (so a fallback chain that mixes both reads the
 * same): the JSON body (its usage read for billing), and the event stream parsed and each event written
 * again with its data unchanged (message_start's model aside) and its {@code type} as the event name,
 * its usage read from {@code message_start} and {@code message_delta}. An {@code error} event, and a 4xx
 * body, are rewritten in Anthropic's shape with the message redacted; the stream then counts as broken.
 */
final class NativeMessagesAnswer implements Surface.Answer {
  private final SecretRedactor redactor;
  private final String clientModel;

  /** @param clientModel the model name the client sent */
  NativeMessagesAnswer(SecretRedactor redactor, String clientModel) {
    this.redactor = redactor;
    this.clientModel = clientModel;
  }

  @Override
  public Buffer body(Buffer upstreamBody) {
    try {
      JsonObject message = upstreamBody.toJsonObject();
      if (message.getValue("model") instanceof String) {
        return message.put("model", clientModel).toBuffer();
      }
    } catch (DecodeException | ClassCastException e) {
      // Not JSON: relayed as it came.
    }
    return upstreamBody;
  }

  @Override
  public String contentType(String upstreamContentType) {
    return upstreamContentType == null ? "application/json" : upstreamContentType;
  }

  @Override
  public Usage usage(Buffer upstreamBody) {
    try {
      return AnthropicUsage.read(upstreamBody.toJsonObject().getJsonObject("usage"));
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  @Override
  public Surface.StreamRelay stream() {
    return new Relay(redactor, clientModel);
  }

  @Override
  public Buffer clientError(int status, String upstreamBody) {
    try {
      JsonObject body = new JsonObject(upstreamBody);
      if ("error".equals(body.getValue("type")) && body.getValue("error") instanceof JsonObject) {
        return Buffer.buffer(upstreamBody);
      }
    } catch (DecodeException | ClassCastException e) {
      // Not Anthropic's shape: re-shaped below.
    }
    return AnthropicErrors.toJson(dev.meridian.router.surface.TranslatedBodies.upstreamError(status, upstreamBody)).toBuffer();
  }

  @Override
  public Buffer streamError(OpenAiError error) {
    return AnthropicErrors.event(error).toBuffer();
  }

  /** One native stream: events relayed with their data as it came, usage read on the way. */
  private static final class Relay implements Surface.StreamRelay {
    private final SecretRedactor redactor;
    private final String clientModel;
    private final SseParser parser = new SseParser(this::onData);
    private final StringBuilder out = new StringBuilder(256);
    private long inputTokens = -1;
    private long cachedTokens;
    private long outputTokens = -1;
    private long characters;
    private boolean failed;

    Relay(SecretRedactor redactor, String clientModel) {
      this.redactor = redactor;
      this.clientModel = clientModel;
    }

    @Override
    public Buffer accept(Buffer chunk) {
      if (!failed) {
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
      if (!failed) {
        parser.finish();
      }
      return drain();
    }

    @Override
    public Usage usage(long promptTokensEstimate) {
      if (inputTokens < 0 && outputTokens < 0) {
        return new Usage(promptTokensEstimate, Usage.estimateTokens(characters), true);
      }
      return new Usage(Math.max(0, inputTokens), Math.max(0, outputTokens), cachedTokens, 0, false);
    }

    @Override
    public boolean upstreamFailed() {
      return failed;
    }

    private void onData(String data) {
      if (failed || data.isBlank()) {
        return;
      }
      JsonObject event;
      try {
        // Every string of the event redacted (the same text when none held key material).
        data = Redaction.json(redactor, data);
        event = new JsonObject(data);
      } catch (DecodeException e) {
        fail("The provider's stream failed: " + data);
        return;
      }
      Object type = event.getValue("type");
      if ("error".equals(type) || event.getValue("error") != null) {
        Object error = event.getValue("error");
        Object message = error instanceof JsonObject e ? e.getValue("message") : error;
        fail("The provider's stream failed: " + (message == null ? data : message));
        return;
      }
      if (!(type instanceof String name) || name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
        fail("The provider sent an event without a type.");
        return;
      }
      readUsage(name, event);
      characters += data.length();
      if ("message_start".equals(name) && event.getValue("message") instanceof JsonObject message
          && message.getValue("model") instanceof String) {
        message.put("model", clientModel);
        data = event.encode();
      }
      out.append(new SseEvent(name, data).encode());
    }

    private void readUsage(String type, JsonObject event) {
      JsonObject usage = null;
      if ("message_start".equals(type) && event.getValue("message") instanceof JsonObject message) {
        usage = message.getValue("usage") instanceof JsonObject u ? u : null;
      } else if ("message_delta".equals(type)) {
        usage = event.getValue("usage") instanceof JsonObject u ? u : null;
      }
      Usage read = AnthropicUsage.read(usage);
      if (read == null) {
        return;
      }
      // message_delta's counts are cumulative; its input count, where sent, replaces message_start's.
      if (usage.getValue("input_tokens") instanceof Number) {
        inputTokens = read.promptTokens();
        cachedTokens = read.cachedPromptTokens();
      }
      if (usage.getValue("output_tokens") instanceof Number) {
        outputTokens = read.completionTokens();
      }
    }

    private void fail(String message) {
      failed = true;
      OpenAiError error = new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", redactor.redact(message), null);
      out.append(AnthropicErrors.event(error).encode());
    }

    private Buffer drain() {
      if (out.length() == 0) {
        return Buffer.buffer();
      }
      Buffer buffer = Buffer.buffer(out.toString());
      out.setLength(0);
      return buffer;
    }
  }
}
