package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private final List<String> events = new ArrayList<>();
  private final SseParser parser = new SseParser(events::add);

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
