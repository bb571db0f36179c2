package dev.meridian.core.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.stream.SseFrame;
import dev.meridian.core.stream.SseFramer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a provider sends, redacted by its format: parsed where it is JSON or SSE, never byte-matched. */
class RedactionTest {
  /** A key with a slash, which JSON may escape as {@code \/}. */
  static final String KEY = "sk-proj/Zq8Lm2Xv7Rt4Wn9Kc3Hb6Fd1Js5Gp0Ya";
  static final SecretRedactor REDACTOR = new SecretRedactor(List.of(KEY));

  static String unicodeEscaped(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }

  static Stream<Arguments> jsonBodies() {
    String slashEscaped = KEY.replace("/", "\\/");
    return Stream.of(
        Arguments.of("key in a message", "{\"error\":{\"message\":\"bad key " + KEY + "\"}}"),
        Arguments.of("key spelled with \\u escapes", "{\"error\":{\"message\":\"" + unicodeEscaped(KEY) + "\"}}"),
        Arguments.of("its slash escaped", "{\"error\":{\"message\":\"key " + slashEscaped + "\"}}"),
        Arguments.of("its middle, escaped", "{\"detail\":\"" + unicodeEscaped(KEY.substring(10, 24)) + "\"}"),
        Arguments.of("key as a field name", "{\"" + KEY + "\":1}"),
        Arguments.of("deep in an array", "[1,{\"a\":[\"x\",\"" + KEY.substring(0, 20) + "\"]}]"),
        Arguments.of("a 200 completion quoting it", "{\"id\":\"c1\",\"choices\":[{\"message\":{\"role\":\"assistant\","
            + "\"content\":\"your key is " + KEY + "\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}"),
        Arguments.of("pretty-printed", "{\n  \"error\" : {\n    \"message\" : \"" + slashEscaped + "\"\n  }\n}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonBodies")
  void jsonIsRedactedInItsDecodedStrings(String name, String json) {
    String redacted = Redaction.json(REDACTOR, json);
    assertThat(REDACTOR.mayContainSecret(io.vertx.core.json.Json.decodeValue(redacted).toString())).isFalse();
    assertThat(redacted).contains(SecretRedactor.MASK);
    // Still the same JSON but for the masked strings.
    io.vertx.core.json.Json.decodeValue(redacted);
    assertThat(Redaction.body(REDACTOR, Buffer.buffer(json), "application/json").toString()).isEqualTo(redacted);
  }

  @Test
  void jsonWithoutKeyMaterialGoesOutByteForByte() {
    String json = "{ \"b\" : 1e400, \"a\":\"caf\\u00e9 \\/ \\n\", \"a\":2 }";
    assertThat(Redaction.json(REDACTOR, json)).isSameAs(json);
    Buffer body = Buffer.buffer(json);
    assertThat(Redaction.body(REDACTOR, body, "application/json")).isSameAs(body);
    Buffer text = Buffer.buffer("plain words");
    assertThat(Redaction.body(REDACTOR, text, "text/plain")).isSameAs(text);
  }

  @Test
  void notJsonIsRedactedAsText() {
    assertThat(Redaction.body(REDACTOR, Buffer.buffer("Unauthorized: " + KEY), "text/plain").toString())
        .isEqualTo("Unauthorized: [REDACTED]");
    assertThat(Redaction.body(REDACTOR, Buffer.buffer("{broken " + KEY), "application/json").toString())
        .isEqualTo("{broken [REDACTED]");
  }

  static Stream<Arguments> events() {
    String escaped = unicodeEscaped(KEY);
    return Stream.of(
        Arguments.of("OpenAI error event", "data: {\"error\":{\"message\":\"Incorrect API key " + KEY + "\"}}\n\n"),
        Arguments.of("event: error, no error key", "event: error\ndata: {\"type\":\"authentication_error\",\"message\":\"" + escaped + "\"}\n\n"),
        Arguments.of("plain-text data", "data: invalid key " + KEY + "\n\n"),
        Arguments.of("multi-line JSON data", "data: {\"message\":\ndata: \"" + escaped + "\"}\r\n\r\n"),
        Arguments.of("a comment", ": upstream key " + KEY + "\ndata: {}\n\n"),
        Arguments.of("an id line", "id: " + KEY + "\ndata: {}\n\n"),
        Arguments.of("a content chunk quoting it", "data: {\"choices\":[{\"delta\":{\"content\":\"" + KEY.replace("/", "\\/") + "\"}}]}\n\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void everyEventShapeIsRedactedFieldByField(String name, String event) {
    SseFrame frame = frame(event);
    String redacted = Redaction.sseEvent(REDACTOR, frame);
    assertThat(redacted).isNotNull().contains(SecretRedactor.MASK).containsPattern("(\\r\\n|\\n|\\r){2}$");
    SseFrame again = frame(redacted);
    assertThat(again.event()).isEqualTo(frame.event());
    assertThat(REDACTOR.mayContainSecret(again.text())).isFalse();
    if (again.data() != null && again.data().startsWith("{")) {
      assertThat(REDACTOR.mayContainSecret(new JsonObject(again.data()).encode())).isFalse();
    }
  }

  @Test
  void eventsWithoutKeyMaterialAreLeftAlone() {
    assertThat(Redaction.sseEvent(REDACTOR, frame("data: {\"choices\":[{\"delta\":{\"content\":\"caf\\u00e9\"}}]}\r\n\r\n")))
        .isNull();
    assertThat(Redaction.sseEvent(REDACTOR, frame(": keep-alive\n\n"))).isNull();
  }

  @Test
  void aWholeStreamIsRedactedEventByEvent() {
    String first = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n";
    String leak = "event: error\ndata: {\"type\":\"authentication_error\",\"message\":\"" + KEY + "\"}\n\n";
    String last = "data: [DONE]";
    String redacted = Redaction.sse(REDACTOR, Buffer.buffer(first + leak + last));
    assertThat(redacted).startsWith(first).endsWith(last).doesNotContain(KEY.substring(0, 8));
    assertThat(Redaction.body(REDACTOR, Buffer.buffer(first + leak + last), "text/event-stream").toString())
        .isEqualTo(redacted);
    assertThat(Redaction.sse(REDACTOR, Buffer.buffer(first + last))).isNull();
  }

  private static SseFrame frame(String event) {
    SseFramer framer = new SseFramer();
    List<SseFrame> frames = new java.util.ArrayList<>(framer.feed(Buffer.buffer(event)).frames());
    frames.addAll(framer.finish().frames());
    assertThat(frames).hasSize(1);
    return frames.get(0);
  }
}
