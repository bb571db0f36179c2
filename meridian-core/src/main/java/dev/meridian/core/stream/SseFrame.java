package dev.meridian.core.stream;

/**
 * One server-sent event as it arrived: where its bytes lie in the buffer {@link SseFramer} handed out
 * with it, the whole event decoded, and its fields. An event may be only comments ({@code : keep-alive})
 * or blank lines, and then has no data.
 *
 * @param start offset of the event's first byte in its batch's input
 * @param end offset just past its terminating blank line (or past the last byte, for an unterminated
 *     event at the end of a stream)
 * @param text the event's bytes decoded as UTF-8, every line and terminator included
 * @param event the last {@code event:} value, or null
 * @param id the last {@code id:} value, or null
 * @param data the {@code data:} values joined by newlines, one leading space stripped from each; null
 *     when the event has no data line
 * @param leadingLf the first byte is the LF of a CRLF whose CR ended the previous event (the chunk was
 *     cut between the two): it belongs to that event's terminator, so a relay that drops the previous
 *     event drops this byte with it
 */
public record SseFrame(int start, int end, String text, String event, String id, String data, boolean leadingLf) {
  public int length() {
    return end - start;
  }
}
