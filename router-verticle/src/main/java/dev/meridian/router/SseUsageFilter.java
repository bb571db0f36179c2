package dev.meridian.router;

import dev.meridian.core.openai.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Sits in the SSE relay: forwards events as they complete, reads the provider's usage event (which
 * Meridian asks for so it can bill every request), and drops that event when the client did not ask
 * for usage itself. Counts content-bearing events so a stream without usage can still be estimated.
 *
 * <p>Events are forwarded only once their blank-line terminator has arrived; a partial event is useless
 * to a client anyway, and holding it costs no latency on the events that matter.
 */
final class SseUsageFilter {
  private static final byte[] USAGE_MARKER = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_CHOICES = "\"choices\":[]".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_MARKER = "content\":\"".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] ERROR_MARKER = "\"error\"".getBytes(StandardCharsets.US_ASCII);

  private final boolean clientWantsUsage;
  private final dev.meridian.core.openai.SecretRedactor redactor;
  private Buffer pending = Buffer.buffer();
  private Usage usage;
  private long contentEvents;

  SseUsageFilter(boolean clientWantsUsage) {
    this(clientWantsUsage, dev.meridian.core.openai.SecretRedactor.none());
  }

  /**
   * @param redactor applied to error events: a provider reporting an auth failure inside a stream may
   *     echo our key, and the stream goes to the client as is otherwise
   */
  SseUsageFilter(boolean clientWantsUsage, dev.meridian.core.openai.SecretRedactor redactor) {
    this.clientWantsUsage = clientWantsUsage;
    this.redactor = redactor;
  }

  /**
   * Returns the bytes to forward now (possibly empty). While every complete event goes out unchanged,
   * which is the usual case, they go out as a slice of the input rather than a copy.
   */
  Buffer accept(Buffer chunk) {
    Buffer input = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
    byte[] bytes = input.getBytes();
    int eventStart = 0;
    Buffer out = null;
    boolean verbatim = true;
    for (int i = 0; i + 1 < bytes.length; i++) {
      int terminator = terminatorLength(bytes, i);
      if (terminator == 0) {
        continue;
      }
      int eventEnd = i + terminator;
      boolean kept = keep(bytes, eventStart, eventEnd);
      boolean redact = kept && indexOf(bytes, eventStart, eventEnd, ERROR_MARKER) >= 0;
      if (verbatim && (!kept || redact)) {
        // From here on the output differs from the input: copy what was forwarded so far as is.
        verbatim = false;
        out = Buffer.buffer(eventEnd);
        out.appendBytes(bytes, 0, eventStart);
      }
      if (!verbatim && kept) {
        if (redact) {
          String event = new String(bytes, eventStart, eventEnd - eventStart, StandardCharsets.UTF_8);
          out.appendString(redactor.redact(event));
        } else {
          out.appendBytes(bytes, eventStart, eventEnd - eventStart);
        }
      }
      eventStart = eventEnd;
      i = eventEnd - 1;
    }
    pending = eventStart == bytes.length ? Buffer.buffer() : Buffer.buffer().appendBytes(bytes, eventStart, bytes.length - eventStart);
    if (verbatim) {
      // Nothing dropped or rewritten: the complete events are the input's first eventStart bytes.
      return eventStart == 0 ? Buffer.buffer() : eventStart == bytes.length ? input : input.slice(0, eventStart);
    }
    return out.length() == 0 ? Buffer.buffer() : out;
  }

  /** Whatever is left when the stream ends (an unterminated last event), forwarded as is. */
  Buffer flush() {
    Buffer rest = pending;
    pending = Buffer.buffer();
    String text = rest.toString(StandardCharsets.UTF_8);
    return redactor.mayContainSecret(text) ? Buffer.buffer(redactor.redact(text)) : rest;
  }

  /** The provider's usage, or an estimate from the streamed content when it sent none. */
  Usage usage(long promptTokensEstimate) {
    if (usage != null) {
      return usage;
    }
    // Providers stream about one token per event; closer than characters / 4 for short deltas.
    return new Usage(promptTokensEstimate, contentEvents, true);
  }

  private static int terminatorLength(byte[] b, int i) {
    if (b[i] == '\n' && b[i + 1] == '\n') {
      return 2;
    }
    if (i + 3 < b.length && b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
      return 4;
    }
    return 0;
  }

  /** Inspects one complete event; false when it must not reach the client. */
  private boolean keep(byte[] b, int start, int end) {
    if (indexOf(b, start, end, USAGE_MARKER) >= 0) {
      Usage parsed = parseUsage(b, start, end);
      if (parsed != null) {
        usage = parsed;
        // A usage-only event (no choices) exists because we asked for it; the client did not.
        return clientWantsUsage || indexOf(b, start, end, EMPTY_CHOICES) < 0;
      }
    }
    int content = indexOf(b, start, end, CONTENT_MARKER);
    if (content >= 0 && content + CONTENT_MARKER.length < end && b[content + CONTENT_MARKER.length] != '"') {
      contentEvents++;
    }
    return true;
  }

  private static Usage parseUsage(byte[] b, int start, int end) {
    String event = new String(b, start, end - start, StandardCharsets.UTF_8).trim();
    if (!event.startsWith("data:")) {
      return null;
    }
    String data = event.substring(5).trim();
    if (!data.startsWith("{")) {
      return null;
    }
    try {
      return Usage.fromJson(new JsonObject(data).getJsonObject("usage"));
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static int indexOf(byte[] b, int start, int end, byte[] needle) {
    outer:
    for (int i = start; i <= end - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
