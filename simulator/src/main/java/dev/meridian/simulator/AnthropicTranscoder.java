package dev.meridian.simulator;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SseParser;
import dev.meridian.core.translate.SseEvent;
import dev.meridian.core.translate.anthropic.AnthropicErrors;
import dev.meridian.core.translate.anthropic.MessageContext;
import dev.meridian.core.translate.anthropic.MessagesResponseMapper;
import dev.meridian.core.translate.anthropic.MessagesStreamMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A provider's Anthropic-compatible Messages endpoint, simulated: the chat-completions answer the
 * simulator generates is rendered as a Messages answer or event stream with Meridian's own core mappers,
 * under the provider's message ids ({@code msg_sim...}) and its own model name, as those endpoints do.
 */
final class AnthropicTranscoder implements WireTranscoder {
  private final boolean stream;
  private final MessageContext context;
  private final MessagesStreamMapper mapper;
  private final SseParser parser;
  private final List<SseEvent> pending = new ArrayList<>();
  private boolean started;
  private boolean ended;
  private JsonObject usage;

  AnthropicTranscoder(boolean stream, MessageContext context) {
    this.stream = stream;
    this.context = context;
    this.mapper = new MessagesStreamMapper(context);
    this.parser = new SseParser(this::onData);
  }

  @Override
  public Buffer chunk(Buffer chatBytes) {
    if (!started) {
      started = true;
      pending.addAll(mapper.start());
    }
    parser.feed(chatBytes);
    return drain();
  }

  @Override
  public Buffer last(Buffer chatBytes) {
    if (!stream) {
      try {
        return MessagesResponseMapper.map(chatBytes.toJsonObject(), context).toBuffer();
      } catch (DecodeException | ClassCastException e) {
        return chatBytes;
      }
    }
    Buffer out = chunk(chatBytes);
    parser.finish();
    if (!ended) {
      ended = true;
      pending.addAll(mapper.onEnd(usage));
    }
    return out.appendBuffer(drain());
  }

  @Override
  public Buffer error(int status, Buffer openAiError) {
    String message = "HTTP " + status;
    try {
      JsonObject error = openAiError.toJsonObject().getJsonObject("error");
      if (error != null && error.getValue("message") instanceof String text) {
        message = text;
      }
    } catch (DecodeException | ClassCastException e) {
      // Not JSON: the status alone.
    }
    return AnthropicErrors.toJson(new OpenAiError(status, OpenAiError.SERVER_ERROR, null, message, null)).toBuffer();
  }

  private void onData(String data) {
    if (ended || data.isBlank() || data.trim().equals("[DONE]")) {
      return;
    }
    JsonObject event;
    try {
      event = new JsonObject(data);
    } catch (DecodeException e) {
      return;
    }
    if (event.getValue("error") != null || (event.getValue("type") instanceof String type && type.endsWith("error"))) {
      ended = true;
      Object error = event.getValue("error");
      String message = error instanceof JsonObject e && e.getValue("message") instanceof String text ? text : "stream failed";
      pending.addAll(mapper.onError(new OpenAiError(500, OpenAiError.SERVER_ERROR, null, message, null)));
      return;
    }
    if (event.getValue("usage") instanceof JsonObject reported) {
      usage = reported;
    }
    if (event.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()) {
      pending.addAll(mapper.onChunk(event));
    }
  }

  private Buffer drain() {
    Buffer out = Buffer.buffer();
    for (SseEvent event : pending) {
      out.appendString(event.encode());
    }
    pending.clear();
    return out;
  }
}
