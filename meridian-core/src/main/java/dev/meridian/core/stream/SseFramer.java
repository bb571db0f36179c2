package dev.meridian.core.stream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a {@code text/event-stream} body, fed network chunks as they arrive, into complete events, each
 * with its raw bytes (so a relay can forward it untouched) and its parsed fields. Lines may end in LF,
 * CRLF or CR; chunks may split a line, a CRLF pair or a multi-byte character anywhere, since lines are
 * found on bytes and an event is decoded only once it is whole. Plain Java, one instance per stream, not
 * thread-safe.
 *
 * <p>A CRLF event terminator split after its CR completes the event at the CR (waiting for the LF would
 * hold a CR-only stream's events back a chunk); the LF then leads the next event's bytes and is read as
 * the tail of that CRLF, as an SSE client reading the same bytes does ({@link SseFrame#leadingLf()}).
 *
 * <p>An incomplete event may hold at most {@code maxEventBytes}, which bounds every line too: past it the
 * framer stops ({@link Batch#tooLarge()}), so a broken upstream cannot grow memory without bound.
 */
public final class SseFramer {
  /** Far above any streamed chunk; a single non-incremental event with a whole long answer still fits. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 8 << 20;
  private static final byte[] NOTHING = new byte[0];

  /**
   * What one chunk completed.
   *
   * @param input the bytes the frames' offsets index: the chunk itself, or the incomplete event carried
   *     over from earlier chunks followed by it
   * @param frames the events completed, in order, back to back from offset 0
   * @param completeLength how many of input's bytes the frames cover; the rest is held for the next chunk
   * @param tooLarge true when the incomplete event outgrew the bound: it was dropped and the framer has
   *     stopped; every later chunk yields nothing
   */
  public record Batch(Buffer input, List<SseFrame> frames, int completeLength, boolean tooLarge) {
    /** The frame's bytes, a slice of {@code input} (no copy). */
    public Buffer raw(SseFrame frame) {
      return input.slice(frame.start(), frame.end());
    }
  }

  private final int maxEventBytes;
  private byte[] pending = NOTHING;
  /** Nothing but the terminator has been seen on the current line. */
  private boolean lineEmpty = true;
  /** The previous byte was a CR, so an LF now is the rest of a CRLF. */
  private boolean lastWasCr;
  /** The pending event began right after a CR that ended the previous one (its first byte may be that CR's LF). */
  private boolean pendingAfterCr;
  private boolean stopped;

  public SseFramer() {
    this(DEFAULT_MAX_EVENT_BYTES);
  }

  public SseFramer(int maxEventBytes) {
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("maxEventBytes");
    }
    this.maxEventBytes = maxEventBytes;
  }

  /** Adds one network chunk; returns the events it completed. */
  public Batch feed(Buffer chunk) {
    if (stopped) {
      return new Batch(Buffer.buffer(), List.of(), 0, true);
    }
    Buffer input;
    byte[] bytes;
    int from = pending.length;
    if (from == 0) {
      input = chunk;
      bytes = chunk.getBytes();
    } else {
      bytes = new byte[from + chunk.length()];
      System.arraycopy(pending, 0, bytes, 0, from);
      chunk.getBytes(bytes, from);
      input = Buffer.buffer(bytes);
    }
    List<SseFrame> frames = new ArrayList<>(4);
    int frameStart = 0;
    for (int i = from; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\n' && lastWasCr) {
        lastWasCr = false; // the LF of a CRLF whose CR ended the line already
        continue;
      }
      lastWasCr = false;
      if (b != '\n' && b != '\r') {
        lineEmpty = false;
        continue;
      }
      if (!lineEmpty) {
        lineEmpty = true;
        lastWasCr = b == '\r';
        continue;
      }
      // A blank line: the event ends with this terminator.
      int end = i + 1;
      if (b == '\r') {
        if (end < bytes.length) {
          end += bytes[end] == '\n' ? 1 : 0;
        } else {
          lastWasCr = true;
        }
      }
      frames.add(parse(bytes, frameStart, end, pendingAfterCr));
      pendingAfterCr = lastWasCr;
      frameStart = end;
      i = end - 1;
    }
    int held = bytes.length - frameStart;
    if (held > maxEventBytes) {
      stopped = true;
      pending = NOTHING;
      return new Batch(input, frames, frameStart, true);
    }
    pending = held == 0 ? NOTHING : java.util.Arrays.copyOfRange(bytes, frameStart, bytes.length);
    return new Batch(input, frames, frameStart, false);
  }

  /**
   * The stream ended: an event still incomplete (no closing blank line, perhaps no final line end) is
   * handed out as it is, parsed leniently; an empty batch when there is none.
   */
  public Batch finish() {
    byte[] rest = pending;
    pending = NOTHING;
    if (rest.length == 0 || stopped) {
      return new Batch(Buffer.buffer(), List.of(), 0, stopped);
    }
    List<SseFrame> frames = List.of(parse(rest, 0, rest.length, pendingAfterCr));
    return new Batch(Buffer.buffer(rest), frames, rest.length, false);
  }

  private static SseFrame parse(byte[] bytes, int start, int end, boolean afterCr) {
    String text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
    String event = null;
    String id = null;
    String data = null;
    StringBuilder joined = null;
    int n = text.length();
    boolean leadingLf = afterCr && n > 0 && text.charAt(0) == '\n';
    int at = leadingLf ? 1 : 0;
    while (at < n) {
      int eol = at;
      while (eol < n && text.charAt(eol) != '\n' && text.charAt(eol) != '\r') {
        eol++;
      }
      if (eol == at) {
        break; // the blank line that ends the event
      }
      int colon = text.indexOf(':', at);
      if (colon != at) { // a line starting with ':' is a comment
        boolean hasValue = colon >= 0 && colon < eol;
        String field = text.substring(at, hasValue ? colon : eol);
        int valueStart = hasValue ? colon + 1 : eol;
        if (valueStart < eol && text.charAt(valueStart) == ' ') {
          valueStart++;
        }
        String value = text.substring(valueStart, eol);
        switch (field) {
          case "data" -> {
            if (data == null) {
              data = value;
            } else {
              joined = joined == null ? new StringBuilder(data) : joined;
              joined.append('\n').append(value);
            }
          }
          case "event" -> event = value;
          case "id" -> id = value.indexOf('\0') >= 0 ? id : value;
          default -> { } // retry and unknown fields: nothing to decide on
        }
      }
      at = eol + (eol + 1 < n && text.charAt(eol) == '\r' && text.charAt(eol + 1) == '\n' ? 2 : 1);
    }
    if (joined != null) {
      data = joined.toString();
    }
    return new SseFrame(start, end, text, event, id, data, leadingLf);
  }
}
