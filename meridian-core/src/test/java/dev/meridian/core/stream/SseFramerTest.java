package dev.meridian.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SseFramerTest {
  /** A frame's fields and its raw bytes, as the relay sees them. */
  record Seen(String event, String id, String data, String raw) {}

  record Row(String name, String stream, List<Seen> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Seen seen(String event, String id, String data, String raw) {
    return new Seen(event, id, data, raw);
  }

  static List<Row> rows() {
    return List.of(
        new Row("LF", "data: {\"a\":1}\n\ndata: [DONE]\n\n", List.of(
            seen(null, null, "{\"a\":1}", "data: {\"a\":1}\n\n"), seen(null, null, "[DONE]", "data: [DONE]\n\n"))),
        new Row("CRLF", "data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n", List.of(
            seen(null, null, "{\"a\":1}", "data: {\"a\":1}\r\n\r\n"), seen(null, null, "[DONE]", "data: [DONE]\r\n\r\n"))),
        new Row("CR", "data: one\r\rdata: two\r\r", List.of(
            seen(null, null, "one", "data: one\r\r"), seen(null, null, "two", "data: two\r\r"))),
        new Row("mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", List.of(
            seen(null, null, "a\nb\nc", "data: a\r\ndata: b\rdata: c\n\r\n"))),
        new Row("comments and keep-alive", ": keep-alive\n\n: OPENROUTER PROCESSING\r\n\r\ndata: x\n: inside\n\n", List.of(
            seen(null, null, null, ": keep-alive\n\n"),
            seen(null, null, null, ": OPENROUTER PROCESSING\r\n\r\n"),
            seen(null, null, "x", "data: x\n: inside\n\n"))),
        new Row("event, id and retry lines", "event: error\nid: 7\nretry: 300\ndata: {\"e\":1}\n\nid: 8\ndata:x\n\n", List.of(
            seen("error", "7", "{\"e\":1}", "event: error\nid: 7\nretry: 300\ndata: {\"e\":1}\n\n"),
            seen(null, "8", "x", "id: 8\ndata:x\n\n"))),
        new Row("multi-line data, one space stripped", "data: first\ndata:second\ndata:  third\ndata\n\n", List.of(
            seen(null, null, "first\nsecond\n third\n", "data: first\ndata:second\ndata:  third\ndata\n\n"))),
        new Row("blank lines between events", "\n\ndata: x\n\n\n", List.of(
            seen(null, null, null, "\n"), seen(null, null, null, "\n"), seen(null, null, "x", "data: x\n\n"),
            seen(null, null, null, "\n"))),
        new Row("multi-byte UTF-8", "data: {\"content\":\"naïve 递归 🙂\"}\r\n\r\n", List.of(
            seen(null, null, "{\"content\":\"naïve 递归 🙂\"}", "data: {\"content\":\"naïve 递归 🙂\"}\r\n\r\n"))),
        new Row("id with NUL ignored, unknown field ignored", "id: a\0b\nfoo: bar\ndata: y\n\n", List.of(
            seen(null, null, "y", "id: a\0b\nfoo: bar\ndata: y\n\n"))));
  }

  /** Feeds the stream cut at the given points and returns every frame handed out, finish() included. */
  static List<Seen> frames(byte[] bytes, int... cuts) {
    SseFramer framer = new SseFramer();
    List<Seen> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      collect(framer.feed(Buffer.buffer().appendBytes(bytes, from, to - from)), out);
      from = to;
    }
    collect(framer.finish(), out);
    return out;
  }

  static void collect(SseFramer.Batch batch, List<Seen> out) {
    int at = 0;
    for (SseFrame frame : batch.frames()) {
      assertThat(frame.start()).as("frames are back to back").isEqualTo(at);
      String raw = batch.raw(frame).toString(StandardCharsets.UTF_8);
      assertThat(frame.text()).isEqualTo(raw);
      out.add(new Seen(frame.event(), frame.id(), frame.data(), raw));
      at = frame.end();
    }
    assertThat(batch.completeLength()).isEqualTo(at);
  }

  @ParameterizedTest
  @MethodSource("rows")
  void framesAndFieldsWhole(Row row) {
    assertThat(frames(row.stream.getBytes(StandardCharsets.UTF_8))).isEqualTo(row.expected);
  }

  /**
   * Cut anywhere (inside CRLF pairs and multi-byte characters too) the fields are the same, and the raw
   * bytes handed out add up to the input: a CR-terminated event cut before a following LF ends at the
   * CR and the LF leads the next frame, so only where the bytes fall may differ.
   */
  @ParameterizedTest
  @MethodSource("rows")
  void everySplitPointGivesTheSameEventsAndBytes(Row row) {
    byte[] bytes = row.stream.getBytes(StandardCharsets.UTF_8);
    List<List<String>> whole = withoutRaw(row.expected);
    for (int cut = 0; cut <= bytes.length; cut++) {
      List<Seen> split = frames(bytes, cut);
      assertThat(withoutRaw(split)).as("cut at %d", cut).isEqualTo(whole);
      assertThat(String.join("", split.stream().map(Seen::raw).toList())).as("cut at %d", cut).isEqualTo(row.stream);
    }
    int[] everyByte = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      everyByte[i] = i;
    }
    assertThat(withoutRaw(frames(bytes, everyByte))).as("byte by byte").isEqualTo(whole);
  }

  /** The fields of the frames that have any: where a comment or a lone LF falls may differ by cut. */
  static List<List<String>> withoutRaw(List<Seen> frames) {
    return frames.stream().filter(f -> f.data != null || f.event != null || f.id != null)
        .map(f -> java.util.Arrays.asList(f.event, f.id, f.data)).toList();
  }

  @Test
  void aCrTerminatorAtAChunkEndCompletesTheEventAtOnce() {
    SseFramer framer = new SseFramer();
    SseFramer.Batch first = framer.feed(Buffer.buffer("data: a\r\n\r"));
    assertThat(first.frames()).extracting(SseFrame::data).containsExactly("a");
    SseFramer.Batch second = framer.feed(Buffer.buffer("\ndata: b\r\n\r\n"));
    assertThat(second.frames()).extracting(SseFrame::data).containsExactly("b");
    assertThat(second.raw(second.frames().get(0)).toString()).isEqualTo("\ndata: b\r\n\r\n");
  }

  @Test
  void completeEventsAreTheChunkItselfOrASliceOfIt() {
    SseFramer framer = new SseFramer();
    Buffer chunk = Buffer.buffer("data: a\n\ndata: b\n\n");
    assertThat(framer.feed(chunk).input()).isSameAs(chunk);
    SseFramer.Batch partial = framer.feed(Buffer.buffer("data: c\n\ndata: d"));
    assertThat(partial.completeLength()).isEqualTo("data: c\n\n".length());
    SseFramer.Batch rest = framer.feed(Buffer.buffer("\n\n"));
    assertThat(rest.input().toString()).isEqualTo("data: d\n\n");
    assertThat(rest.frames()).extracting(SseFrame::data).containsExactly("d");
  }

  @Test
  void theUnterminatedLastEventIsHandedOutAtTheEnd() {
    SseFramer framer = new SseFramer();
    assertThat(framer.feed(Buffer.buffer("data: a\n\nevent: x\ndata: {\"b\":1}")).frames()).hasSize(1);
    SseFramer.Batch end = framer.finish();
    assertThat(end.frames()).singleElement().satisfies(f -> {
      assertThat(f.event()).isEqualTo("x");
      assertThat(f.data()).isEqualTo("{\"b\":1}");
    });
    assertThat(end.raw(end.frames().get(0)).toString()).isEqualTo("event: x\ndata: {\"b\":1}");
    assertThat(framer.finish().frames()).isEmpty();
  }

  @Test
  void anEventPastTheBoundStopsTheFramer() {
    SseFramer framer = new SseFramer(16);
    SseFramer.Batch batch = framer.feed(Buffer.buffer("data: ok\n\ndata: 0123456789abcdef"));
    assertThat(batch.frames()).extracting(SseFrame::data).containsExactly("ok");
    assertThat(batch.tooLarge()).isTrue();
    assertThat(batch.completeLength()).isEqualTo("data: ok\n\n".length());
    SseFramer.Batch later = framer.feed(Buffer.buffer("\n\ndata: more\n\n"));
    assertThat(later.frames()).isEmpty();
    assertThat(later.tooLarge()).isTrue();
    // The bound is on what is held, across chunks: a line growing chunk by chunk trips it too.
    SseFramer growing = new SseFramer(16);
    assertThat(growing.feed(Buffer.buffer("data: 0123456")).tooLarge()).isFalse();
    assertThat(growing.feed(Buffer.buffer("789abcdef")).tooLarge()).isTrue();
  }
}
