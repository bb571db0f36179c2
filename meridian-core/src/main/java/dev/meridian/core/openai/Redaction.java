package dev.meridian.core.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.meridian.core.stream.SseFrame;
import dev.meridian.core.stream.SseFramer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link SecretRedactor} applied to what a provider sends, by its format: JSON is parsed and every
 * string in it (names and values) is redacted as decoded text, so an escape cannot hide a key; a
 * server-sent event is read field by field, its JSON data as JSON; anything else is redacted as text.
 * What holds no key material goes out as it came, byte for byte; only a body or event that held some is
 * re-encoded (JSON by Jackson, compact, on one {@code data:} line for an event).
 */
public final class Redaction {
  private Redaction() {}

  /**
   * A provider's body as relayed to a client: by its content type, or by its first character when the
   * type says nothing useful. The same instance when nothing in it is key material.
   */
  public static Buffer body(SecretRedactor redactor, Buffer body, String contentType) {
    if (redactor.isEmpty() || body == null || body.length() == 0) {
      return body;
    }
    String text = body.toString();
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    String redacted;
    if (type.startsWith("text/event-stream")) {
      redacted = sse(redactor, body);
    } else if (type.contains("json") || looksLikeJson(text)) {
      redacted = json(redactor, text);
    } else {
      redacted = redactor.redact(text);
    }
    return redacted == text || redacted == null ? body : Buffer.buffer(redacted);
  }

  /**
   * A JSON text with every string redacted; the same instance when none held key material. Text that is
   * not JSON is redacted as text.
   */
  public static String json(SecretRedactor redactor, String text) {
    if (!jsonMayHoldSecret(redactor, text)) {
      return text;
    }
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      return redactor.redact(text);
    }
    boolean[] changed = {false};
    Object redacted = redactValue(redactor, value, changed);
    return changed[0] ? Json.encode(redacted) : text;
  }

  /**
   * One event of a provider's stream, redacted field by field: {@code data} as JSON when it is, every
   * other line ({@code event:}, {@code id:}, comments, plain-text data) as text. Null when nothing in it
   * is key material; else the event's new text, terminated by a blank line, with the frame's leading LF
   * kept (see {@link SseFrame#leadingLf}).
   */
  public static String sseEvent(SecretRedactor redactor, SseFrame frame) {
    if (redactor.isEmpty()) {
      return null;
    }
    String text = frame.text();
    String data = frame.data();
    boolean jsonData = data != null && looksLikeJson(data);
    // One scan of the raw event decides for almost every event; only JSON with escapes is decoded.
    if (!redactor.mayContainSecret(text) && (!jsonData || !hasEscapes(data))) {
      return null;
    }
    String redactedData = jsonData ? json(redactor, data) : data;
    boolean dataChanged = redactedData != data;
    String lines = frame.leadingLf() ? text.substring(1) : text;
    StringBuilder out = new StringBuilder(text.length() + 16);
    if (frame.leadingLf()) {
      out.append('\n');
    }
    boolean dataWritten = false;
    int at = 0;
    int n = lines.length();
    String terminator = "\n";
    while (at < n) {
      int eol = at;
      while (eol < n && lines.charAt(eol) != '\n' && lines.charAt(eol) != '\r') {
        eol++;
      }
      int next = eol + (eol + 1 < n && lines.charAt(eol) == '\r' && lines.charAt(eol + 1) == '\n' ? 2 : 1);
      terminator = eol < n ? lines.substring(eol, Math.min(next, n)) : terminator;
      String line = lines.substring(at, eol);
      at = Math.min(next, n);
      if (line.isEmpty()) {
        break; // the blank line that ends the event
      }
      boolean dataLine = line.equals("data") || line.startsWith("data:");
      if (dataLine && dataChanged) {
        if (!dataWritten) {
          out.append("data: ").append(redactedData).append(terminator);
          dataWritten = true;
        }
      } else if (dataLine && jsonData) {
        out.append(line).append(terminator); // JSON whose strings hold nothing: as it came
      } else {
        out.append(redactor.redact(line)).append(terminator);
      }
    }
    String result = out.append(terminator).toString();
    return result.equals(text) ? null : result;
  }

  /**
   * A whole event stream (a non-streamed request answered with SSE), event by event; null when nothing
   * in it is key material.
   */
  public static String sse(SecretRedactor redactor, Buffer stream) {
    SseFramer framer = new SseFramer(Integer.MAX_VALUE);
    StringBuilder out = new StringBuilder(stream.length() + 16);
    boolean changed = false;
    // The frames of both batches lie back to back and cover every byte of the stream.
    for (SseFramer.Batch batch : List.of(framer.feed(stream), framer.finish())) {
      for (SseFrame frame : batch.frames()) {
        String redacted = sseEvent(redactor, frame);
        changed |= redacted != null;
        out.append(redacted != null ? redacted : frame.text());
      }
    }
    return changed ? out.toString() : null;
  }

  /**
   * Whether a JSON text may hold key material in a string. Its raw text says so unless an escape
   * (<code>&#92;u</code>, <code>&#92;/</code>) could spell a key's characters; then its strings are decoded and checked.
   */
  static boolean jsonMayHoldSecret(SecretRedactor redactor, String text) {
    if (redactor.isEmpty()) {
      return false;
    }
    if (redactor.mayContainSecret(text)) {
      return true;
    }
    if (!hasEscapes(text)) {
      return false;
    }
    try (JsonParser parser = JacksonCodec.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if ((token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME)
            && redactor.mayContainSecret(parser.getText())) {
          return true;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      // Not JSON after all: what the raw text shows was checked above.
      return false;
    }
  }

  /** Escapes that could spell a key's characters; {@code \n}, {@code \"} and the like cannot. */
  private static boolean hasEscapes(String json) {
    return json.indexOf("\\u") >= 0 || json.indexOf("\\/") >= 0;
  }

  private static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' || c == '[' || c == '"';
      }
    }
    return false;
  }

  private static Object redactValue(SecretRedactor redactor, Object value, boolean[] changed) {
    if (value instanceof String text) {
      String redacted = redactor.redact(text);
      changed[0] |= redacted != text;
      return redacted;
    }
    if (value instanceof JsonObject object) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<String, Object> entry : object.getMap().entrySet()) {
        String name = redactor.redact(entry.getKey());
        changed[0] |= name != entry.getKey();
        copy.put(name, redactValue(redactor, wrap(entry.getValue()), changed));
      }
      return new JsonObject(copy);
    }
    if (value instanceof JsonArray array) {
      List<Object> copy = new ArrayList<>(array.size());
      for (Object element : array.getList()) {
        copy.add(redactValue(redactor, wrap(element), changed));
      }
      return new JsonArray(copy);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Object wrap(Object value) {
    if (value instanceof Map<?, ?> map) {
      return new JsonObject((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      return new JsonArray((List<Object>) list);
    }
    return value;
  }
}
