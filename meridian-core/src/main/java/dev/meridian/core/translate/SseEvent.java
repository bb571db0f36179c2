package dev.meridian.core.translate;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * One server-sent event a surface writes to its client: an optional {@code event:} name and one
 * {@code data:} payload (JSON on every surface Meridian serves, so never multi-line).
 *
 * @param event the event name, or null for a nameless event (OpenAI chat completions)
 * @param data the payload, without the {@code data: } prefix
 */
public record SseEvent(String event, String data) {
  public SseEvent {
    if (data == null) {
      throw new IllegalArgumentException("data");
    }
    if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0 || (event != null && (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0))) {
      // A line break would end the field early and let a payload forge events of its own.
      throw new IllegalArgumentException("an SSE field must be one line");
    }
  }

  /** A named event with a JSON payload. */
  public static SseEvent named(String event, io.vertx.core.json.JsonObject data) {
    return new SseEvent(event, data.encode());
  }

  /** The wire form, ending with the blank line that terminates the event. */
  public String encode() {
    return event == null ? "data: " + data + "\n\n" : "event: " + event + "\ndata: " + data + "\n\n";
  }

  public Buffer toBuffer() {
    return Buffer.buffer(encode().getBytes(StandardCharsets.UTF_8));
  }
}
