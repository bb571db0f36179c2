package dev.meridian.router.surface.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.SseParser;
import dev.meridian.core.openai.Usage;
import dev.meridian.router.surface.chat.SseDialects.Event;
import dev.meridian.router.surface.chat.SseDialects.Fixture;
import dev.meridian.router.surface.chat.SseDialects.JsonStyle;
import dev.meridian.router.surface.chat.SseDialects.LineEnd;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dialect fixture, in every JSON style and line ending, with and without the client asking for
 * usage, cut at every byte: the client gets exactly the events it is owed (byte for byte, errors
 * redacted) and the filter reports the stream's usage.
 */
class SseUsageFilterTest {
  static final SecretRedactor REDACTOR = new SecretRedactor(List.of(SseDialects.KEY));
  static final long PROMPT_ESTIMATE = 11;

  record Case(Fixture fixture, JsonStyle style, LineEnd end, boolean includeUsage) {
    @Override
    public String toString() {
      return fixture + " / " + style + " / " + end + (includeUsage ? " / include_usage" : " / no usage asked");
    }

    String upstream() {
      return fixture.render(style, end);
    }

    /**
     * What the client is owed: every event, the usage-only one only when asked, errors redacted. An
     * error's JSON is redacted in its decoded strings and goes out compact (re-encoded, as any event
     * that held key material); a plain-text one is redacted as text.
     */
    String expected() {
      StringBuilder text = new StringBuilder();
      for (Event event : fixture.events()) {
        if (event.usageOnly() && !includeUsage) {
          continue;
        }
        if (event.error() && event.json() != null) {
          JsonObject masked = new JsonObject();
          event.json().forEach(e -> masked.put(e.getKey(), masked(e.getValue())));
          text.append(new Event(event.preamble(), masked, null, false, true).render(JsonStyle.COMPACT, end));
        } else {
          String rendered = event.render(style, end);
          text.append(event.error() ? REDACTOR.redact(rendered) : rendered);
        }
      }
      return text.toString();
    }

    private static Object masked(Object value) {
      if (value instanceof JsonObject object) {
        JsonObject copy = new JsonObject();
        object.forEach(e -> copy.put(e.getKey(), masked(e.getValue())));
        return copy;
      }
      return value instanceof String string ? REDACTOR.redact(string) : value;
    }

    Usage usage() {
      return fixture.usage() != null ? fixture.usage() : new Usage(PROMPT_ESTIMATE, fixture.estimatedTokens(), true);
    }
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (Fixture fixture : SseDialects.all()) {
      for (JsonStyle style : JsonStyle.values()) {
        for (LineEnd end : LineEnd.values()) {
          cases.add(new Case(fixture, style, end, false));
          cases.add(new Case(fixture, style, end, true));
        }
      }
    }
    return cases;
  }

  /** Runs the stream through a fresh filter in the given pieces; returns what the client got. */
  static String relay(Case c, byte[] bytes, int[] cuts, Usage[] usage) {
    SseUsageFilter filter = new SseUsageFilter(c.includeUsage, REDACTOR);
    Buffer out = Buffer.buffer();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      out.appendBuffer(filter.accept(Buffer.buffer().appendBytes(bytes, from, to - from)));
      from = to;
    }
    // The relay's order: usage for the trailers, then the rest of the stream.
    usage[0] = filter.usage(PROMPT_ESTIMATE);
    out.appendBuffer(filter.flush());
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theClientGetsWhatItIsOwedCutAnywhere(Case c) {
    byte[] bytes = c.upstream().getBytes(StandardCharsets.UTF_8);
    String expected = c.expected();
    Usage[] usage = new Usage[1];
    for (int cut = 0; cut <= bytes.length; cut++) {
      String got = relay(c, bytes, new int[] {cut}, usage);
      assertThat(got).as("cut at %d", cut).isEqualTo(expected);
      assertThat(usage[0]).as("cut at %d", cut).isEqualTo(c.usage());
    }
    int[] threeCuts = {bytes.length / 3, bytes.length / 2, bytes.length * 2 / 3};
    assertThat(relay(c, bytes, threeCuts, usage)).isEqualTo(expected);
    assertThat(expected).doesNotContain(SseDialects.KEY.substring(0, 12));
  }

  /** Read as an SDK does: no event the client did not ask for, and every chunk has a choice to index. */
  @ParameterizedTest
  @MethodSource("cases")
  void aClientThatDidNotAskNeverSeesEmptyChoices(Case c) {
    String got = relay(c, c.upstream().getBytes(StandardCharsets.UTF_8), new int[0], new Usage[1]);
    List<String> data = new ArrayList<>();
    SseParser parser = new SseParser(data::add);
    parser.feed(got.getBytes(StandardCharsets.UTF_8));
    parser.finish();
    long usageEvents = 0;
    for (String event : data) {
      if (event.startsWith("{")) {
        JsonObject json = new JsonObject(event);
        if (json.containsKey("choices") || json.containsKey("usage")) {
          boolean empty = json.getJsonArray("choices", new io.vertx.core.json.JsonArray()).isEmpty();
          usageEvents += empty ? 1 : 0;
        }
      }
    }
    long owed = c.fixture().events().stream().filter(Event::usageOnly).count();
    assertThat(usageEvents).isEqualTo(c.includeUsage ? owed : 0);
  }

  @Test
  void unchangedEventsGoOutAsTheInputItself() {
    Fixture fixture = SseDialects.all().get(0);
    Buffer chunk = Buffer.buffer(fixture.render(JsonStyle.PYTHON, LineEnd.CRLF));
    SseUsageFilter asked = new SseUsageFilter(true, REDACTOR);
    assertThat(asked.accept(chunk)).isSameAs(chunk);
    // Held back an incomplete tail: a slice of the input, same bytes, no copy.
    Buffer partial = Buffer.buffer("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"cho");
    Buffer forwarded = new SseUsageFilter(false, REDACTOR).accept(partial);
    assertThat(forwarded.toString()).isEqualTo("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
    partial.setByte(0, (byte) 'D');
    assertThat(forwarded.getByte(0)).as("a view of the input").isEqualTo((byte) 'D');
  }

  @Test
  void aSecretInAnyEventIsRedactedNotOnlyInErrors() {
    SseUsageFilter filter = new SseUsageFilter(false, REDACTOR);
    String event = "data: {\"choices\":[{\"delta\":{\"content\":\"your key is " + SseDialects.KEY + "\"}}]}\n\n";
    String got = filter.accept(Buffer.buffer(event)).toString();
    assertThat(got).doesNotContain(SseDialects.KEY).contains(SecretRedactor.MASK).endsWith("\n\n");
  }

  @Test
  void anUnterminatedUsageEventAtTheEndIsReadAndDropped() {
    SseUsageFilter filter = new SseUsageFilter(false, REDACTOR);
    String content = "data: {\"choices\": [{\"delta\": {\"content\": \"x\"}}]}\n\n";
    assertThat(filter.accept(Buffer.buffer(content + "data: {\"choices\": [], \"usage\": {\"prompt_tokens\": 3, "
        + "\"completion_tokens\": 1}}")).toString()).isEqualTo(content);
    assertThat(filter.usage(PROMPT_ESTIMATE)).isEqualTo(new Usage(3, 1, false));
    assertThat(filter.flush().length()).isZero();
  }

  @Test
  void anOversizedEventEndsTheStreamWithAnError() {
    SseUsageFilter filter = new SseUsageFilter(false, REDACTOR, 64);
    String content = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n";
    String got = filter.accept(Buffer.buffer(content + "data: " + "y".repeat(100))).toString();
    assertThat(got).startsWith(content);
    String error = got.substring(content.length());
    assertThat(error).startsWith("data: ").endsWith("\n\n");
    assertThat(new JsonObject(error.substring(6).trim()).getJsonObject("error").getString("code"))
        .isEqualTo("upstream_stream_error");
    assertThat(filter.accept(Buffer.buffer("\n\n" + content)).length()).isZero();
    assertThat(filter.flush().length()).isZero();
  }
}
