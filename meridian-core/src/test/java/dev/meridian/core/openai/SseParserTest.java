package dev.meridian.core.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private final List<String> events = new ArrayList<>();
  private final SseParser parser = new SseParser(events::add);

  private void feed(String text) {
    parser.feed(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void deliversEachEventWhenItsBlankLineArrives() {
    feed("data: {\"a\":1}\n\ndata: {\"b\":2}\n");
    assertThat(events).containsExactly("{\"a\":1}");
    feed("\n");
    assertThat(events).containsExactly("{\"a\":1}", "{\"b\":2}");
  }

  @Test
  void chunksMaySplitAnywhereIncludingCrLfAndMultiByteCharacters() {
    String stream = "data: {\"content\":\"naïve 递归 🙂\"}\r\n\r\n: keep-alive\r\n\r\ndata: [DONE]\r\n\r\n";
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= bytes.length; split++) {
      List<String> seen = new ArrayList<>();
      SseParser byteWise = new SseParser(seen::add);
      byteWise.feed(bytes, 0, split);
      byteWise.feed(bytes, split, bytes.length - split);
      assertThat(seen).as("split at %d", split).containsExactly("{\"content\":\"naïve 递归 🙂\"}", "[DONE]");
    }
    List<String> oneByOne = new ArrayList<>();
    SseParser single = new SseParser(oneByOne::add);
    for (byte b : bytes) {
      single.feed(new byte[] {b});
    }
    assertThat(oneByOne).containsExactly("{\"content\":\"naïve 递归 🙂\"}", "[DONE]");
  }

  @Test
  void bareCarriageReturnsEndLinesToo() {
    feed("data: one\r\rdata: two\r\r");
    assertThat(events).containsExactly("one", "two");
  }

  @Test
  void joinsMultipleDataLinesWithNewlinesAndStripsOneLeadingSpace() {
    feed("data: first\ndata:second\ndata:  third\n\n");
    assertThat(events).containsExactly("first\nsecond\n third");
  }

  @Test
  void skipsCommentsOtherFieldsAndEventsWithoutData() {
    feed(": comment\nevent: ping\nid: 7\nretry: 100\n\nevent: message\ndata: x\n\n");
    assertThat(events).containsExactly("x");
  }

  @Test
  void finishDeliversAnUnterminatedLastEvent() {
    feed("data: [DONE]");
    assertThat(events).isEmpty();
    parser.finish();
    assertThat(events).containsExactly("[DONE]");
    parser.finish();
    assertThat(events).hasSize(1);
  }

  @Test
  void eventsEndAtBlankLines() {
    parser.feed(Buffer.buffer("data: {\"a\":1}\n\ndata: [DONE]\n\n"));

    assertThat(events).containsExactly("{\"a\":1}", "[DONE]");
  }

  @Test
  void eventsSplitAcrossBuffersAndCrlfLineEnds() {
    parser.feed(Buffer.buffer("da"));
    parser.feed(Buffer.buffer("ta: one\r"));
    parser.feed(Buffer.buffer("\n\r\ndata:two\r\r"));

    assertThat(events).containsExactly("one", "two");
  }

  @Test
  void multiByteCharacterSplitBetweenBuffers() {
    byte[] bytes = "data: {\"content\":\"héllo\"}\n\n".getBytes(StandardCharsets.UTF_8);
    int inside = "data: {\"content\":\"h".length() + 1; // between the two bytes of é
    parser.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, 0, inside)));
    parser.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, inside, bytes.length)));

    assertThat(events).containsExactly("{\"content\":\"héllo\"}");
  }

  @Test
  void commentsAndOtherFieldsAreSkippedAndDataLinesJoined() {
    parser.feed(Buffer.buffer(": keep-alive\n\nevent: message\nid: 7\ndata: a\ndata: b\n\n"));

    assertThat(events).containsExactly("a\nb");
  }

  @Test
  void finishDispatchesAnUnterminatedEvent() {
    parser.feed(Buffer.buffer("data: last"));
    assertThat(events).isEmpty();

    parser.finish();

    assertThat(events).containsExactly("last");
  }
}
