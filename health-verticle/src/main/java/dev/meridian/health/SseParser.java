package dev.meridian.health;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental Server-Sent Events parser: feed it buffers as they arrive, it hands out the data of each
 * complete event. Lines end in LF, CRLF or CR; several {@code data:} lines of one event are joined with
 * LF; comments and other fields ({@code event:}, {@code id:}) are skipped, as OpenAI streams don't use
 * them.
 *
 * <p>Lines are split on bytes before decoding, which is safe because CR and LF never occur inside a
 * multi-byte UTF-8 sequence, so a character split across two buffers is reassembled intact.
 */
final class SseParser {
  /** Refuses a single line longer than this, so a broken upstream cannot grow memory without bound. */
  static final int MAX_LINE_BYTES = 1 << 20;

  private final Consumer<String> onData;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private StringBuilder data;
  private boolean lastWasCr;

  SseParser(Consumer<String> onData) {
    this.onData = onData;
  }

  void feed(Buffer buffer) {
    byte[] bytes = buffer.getBytes();
    for (byte b : bytes) {
      if (b == '\n' && lastWasCr) {
        lastWasCr = false;
        continue; // second half of CRLF
      }
      lastWasCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endLine();
      } else {
        if (line.size() >= MAX_LINE_BYTES) {
          throw new IllegalStateException("SSE line longer than " + MAX_LINE_BYTES + " bytes");
        }
        line.write(b);
      }
    }
  }

  /** At end of stream: dispatches an event whose terminating blank line never came. */
  void finish() {
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
    if (text.startsWith("data:")) {
      String value = text.substring(5);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      if (data == null) {
        data = new StringBuilder(value);
      } else {
        data.append('\n').append(value);
      }
    }
  }

  private void dispatch() {
    if (data != null) {
      String event = data.toString();
      data = null;
      onData.accept(event);
    }
  }
}
