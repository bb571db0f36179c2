package dev.meridian.core.openai;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Incremental parser of a {@code text/event-stream} body, fed network chunks as they arrive: hands each
 * event's data (its {@code data:} lines joined by newlines) to a consumer as soon as the blank line that
 * ends the event has been read. Lines may end in LF, CRLF or CR, chunks may split a line, a CRLF pair
 * or a multi-byte character anywhere; comment lines ({@code :...}) and other fields are skipped. Plain
 * Java, one instance per stream, not thread-safe. Used by the health prober and the endpoint benchmark.
 *
 * <p>Lines are split on bytes before decoding, which is safe because CR and LF never occur inside a
 * multi-byte UTF-8 sequence.
 */
public final class SseParser {
  /** Refuses a single line longer than this, so a broken upstream cannot grow memory without bound. */
  public static final int MAX_LINE_BYTES = 1 << 20;

  private final Consumer<String> onData;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private boolean lastWasCr;

  public SseParser(Consumer<String> onData) {
    this.onData = Objects.requireNonNull(onData, "onData");
  }

  /** Parses {@code bytes}; events completed by them are delivered before this returns. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  public void feed(Buffer buffer) {
    feed(buffer.getBytes());
  }

  /** @throws IllegalStateException when a line grows past {@link #MAX_LINE_BYTES} */
  public void feed(byte[] bytes, int offset, int length) {
    int lineStart = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (b == '\n' && lastWasCr) {
        // Second half of a CRLF whose CR ended the line already (possibly in the previous chunk).
        lastWasCr = false;
        lineStart = i + 1;
        continue;
      }
      lastWasCr = false;
      if (b == '\n' || b == '\r') {
        line.write(bytes, lineStart, i - lineStart);
        endLine();
        lastWasCr = b == '\r';
        lineStart = i + 1;
      }
    }
    if (line.size() + (end - lineStart) > MAX_LINE_BYTES) {
      throw new IllegalStateException("SSE line longer than " + MAX_LINE_BYTES + " bytes");
    }
    line.write(bytes, lineStart, end - lineStart);
  }

  /**
   * The body ended: a last line without its terminator and an event without its closing blank line are
   * delivered anyway (lenient: some servers end the stream right after the last event's data).
   */
  public void finish() {
    if (line.size() > 0) {
      endLine();
    }
    dispatch();
  }

  private void endLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return; // comment, e.g. ": keep-alive"
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    if (!field.equals("data")) {
      return; // event, id, retry: not needed to measure a completion
    }
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (hasData) {
      data.append('\n');
    }
    data.append(value);
    hasData = true;
  }

  private void dispatch() {
    if (!hasData) {
      return;
    }
    String event = data.toString();
    data.setLength(0);
    hasData = false;
    onData.accept(event);
  }
}
