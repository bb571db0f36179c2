package dev.meridian.router.surface.chat;

import dev.meridian.core.openai.Usage;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Upstream chat-completion streams the way real providers write them, as data: each fixture is a list
 * of events that says which one is the usage-only event and what usage the stream reports, and renders
 * in any JSON style and line ending. Shared by the filter's unit tests and the router integration test.
 */
final class SseDialects {
  private SseDialects() {}

  /** Planted in error events: it must never reach a client unredacted. */
  static final String KEY = "sk-dialect-0123456789abcdefghijklmnopqrstuv";

  enum JsonStyle { COMPACT, PYTHON, MULTILINE }

  enum LineEnd {
    LF("\n"), CRLF("\r\n"), CR("\r");

    final String text;

    LineEnd(String text) {
      this.text = text;
    }
  }

  /**
   * One upstream event.
   *
   * @param preamble lines before the data (comments, {@code event:}, {@code id:}, {@code retry:})
   * @param json the data as JSON, or null
   * @param rawData the data when it is not JSON ({@code [DONE]}, text), or null
   * @param usageOnly the event {@code include_usage} asks for (usage, no choices)
   * @param error an upstream error event, redacted on the way
   */
  record Event(List<String> preamble, JsonObject json, String rawData, boolean usageOnly, boolean error) {
    String render(JsonStyle style, LineEnd end) {
      StringBuilder text = new StringBuilder();
      for (String line : preamble) {
        text.append(line).append(end.text);
      }
      if (json != null) {
        List<String> lines = switch (style) {
          case COMPACT -> List.of(json.encode());
          case PYTHON -> List.of(python(json));
          case MULTILINE -> List.of(json.encodePrettily().split("\n"));
        };
        for (String line : lines) {
          text.append("data: ").append(line).append(end.text);
        }
      } else if (rawData != null) {
        text.append("data: ").append(rawData).append(end.text);
      }
      return text.append(end.text).toString();
    }
  }

  /**
   * A stream and what it reports.
   *
   * @param usage the provider's usage, or null when it sends none
   * @param estimatedTokens the completion-token estimate when it sends none: characters / 4, rounded up,
   *     per delta piece (content, reasoning, tool arguments)
   */
  record Fixture(String name, List<Event> events, Usage usage, long estimatedTokens) {
    String render(JsonStyle style, LineEnd end) {
      StringBuilder text = new StringBuilder();
      events.forEach(e -> text.append(e.render(style, end)));
      return text.toString();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Event data(String json, String... preamble) {
    return new Event(List.of(preamble), new JsonObject(json), null, false, false);
  }

  static Event usageOnly(String json, String... preamble) {
    return new Event(List.of(preamble), new JsonObject(json), null, true, false);
  }

  static Event error(JsonObject json, String... preamble) {
    return new Event(List.of(preamble), json, null, false, true);
  }

  static Event rawData(String data, boolean error, String... preamble) {
    return new Event(List.of(preamble), null, data, false, error);
  }

  static Event comment(String line) {
    return new Event(List.of(line), null, null, false, false);
  }

  static final Event DONE = rawData("[DONE]", false);

  static String chunk(String extra, String choices) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"" + extra
        + ",\"choices\":[" + choices + "]}";
  }

  static String delta(int index, String delta, String finish) {
    return "{\"index\":" + index + ",\"delta\":" + delta + ",\"finish_reason\":" + finish + "}";
  }

  static String content(String text) {
    return chunk("", delta(0, new JsonObject().put("content", text).encode(), "null"));
  }

  static final String OPENAI_EXTRAS = ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"obfuscation\":\"Zx9\"";

  static List<Fixture> all() {
    List<Fixture> fixtures = new ArrayList<>();
    fixtures.add(new Fixture("openai: usage-only event, cached and reasoning tokens, unknown fields", List.of(
        data(chunk(OPENAI_EXTRAS, delta(0, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null"))),
        data(chunk(OPENAI_EXTRAS, delta(0, "{\"content\":\"Hello\"}", "null"))),
        data(chunk(OPENAI_EXTRAS, delta(0, "{\"content\":\" world, 世界 🙂\"}", "null"))),
        data(chunk(OPENAI_EXTRAS, delta(0, "{}", "\"stop\""))),
        usageOnly(chunk(OPENAI_EXTRAS + ",\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,\"total_tokens\":2306,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":256,\"audio_tokens\":0}}", "")),
        DONE), new Usage(2006, 300, 1920, 256, false), 0));
    fixtures.add(new Fixture("usage inside the last content event", List.of(
        data(content("Hi")),
        data(chunk(",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}", delta(0, "{\"content\":\"!\"}", "\"stop\""))),
        DONE), new Usage(5, 2, false), 0));
    fixtures.add(new Fixture("no usage at all", List.of(
        data(content("abcd")), data(content("efghi")), data(content("")), DONE), null, 1 + 2));
    fixtures.add(new Fixture("deepseek: reasoning_content, cache hits, usage-only without choices key", List.of(
        data(chunk("", delta(0, "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"Think\"}", "null"))),
        data(chunk("", delta(0, "{\"content\":null,\"reasoning_content\":\"ing...\"}", "null"))),
        data(chunk("", delta(0, "{\"content\":\"Answer\",\"reasoning_content\":null}", "null"))),
        usageOnly("{\"id\":\"d\",\"object\":\"chat.completion.chunk\",\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":9,"
            + "\"total_tokens\":49,\"prompt_tokens_details\":{\"cached_tokens\":32},\"completion_tokens_details\":{\"reasoning_tokens\":6},"
            + "\"prompt_cache_hit_tokens\":32,\"prompt_cache_miss_tokens\":8}}"),
        DONE), new Usage(40, 9, 32, 6, false), 0));
    fixtures.add(new Fixture("openrouter: comments, keep-alive, event/id/retry lines", List.of(
        comment(": OPENROUTER PROCESSING"),
        comment(": keep-alive"),
        data(content("One"), "retry: 3000", "id: 1", "event: message"),
        data(content("Two"), "id: 2", ": inline comment"),
        usageOnly(chunk(",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":0}}", ""),
            "id: 3"),
        DONE), new Usage(7, 2, false), 0));
    fixtures.add(new Fixture("streamed tool_calls deltas", List.of(
        data(chunk("", delta(0, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", "null"))),
        data(chunk("", delta(0, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", "null"))),
        data(chunk("", delta(0, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", "null"))),
        data(chunk("", delta(0, "{}", "\"tool_calls\""))),
        usageOnly(chunk(",\"usage\":{\"prompt_tokens\":60,\"completion_tokens\":18}", "")),
        DONE), new Usage(60, 18, false), 0));
    fixtures.add(new Fixture("n = 2 interleaved, no usage", List.of(
        data(chunk("", delta(0, "{\"role\":\"assistant\",\"content\":\"\"}", "null"))),
        data(chunk("", delta(1, "{\"role\":\"assistant\",\"content\":\"\"}", "null"))),
        data(chunk("", delta(0, "{\"content\":\"Red\"}", "null"))),
        data(chunk("", delta(1, "{\"content\":\"Blue sky\"}", "null"))),
        data(chunk("", delta(0, "{}", "\"stop\"") + "," + delta(1, "{}", "\"stop\""))),
        DONE), null, 1 + 2));
    fixtures.add(new Fixture("openai-shaped error mid-stream", List.of(
        data(content("partial")),
        error(new JsonObject().put("error", new JsonObject().put("message", "Incorrect API key provided: " + KEY)
            .put("type", "invalid_request_error").put("code", "invalid_api_key").put("param", null)))),
        null, 2));
    fixtures.add(new Fixture("non-openai error events mid-stream", List.of(
        data(content("partial")),
        error(new JsonObject().put("type", "overloaded_error").put("message", "key " + KEY + " is over quota"), "event: error"),
        error(new JsonObject().put("type", "server_error").put("message", "retry with " + KEY.substring(0, 14) + "...")),
        rawData("Internal error for key " + KEY, true)),
        null, 2));
    return fixtures;
  }

  /** Python's {@code json.dumps} style: {@code ", "} and {@code ": "} separators, on one line. */
  static String python(Object value) {
    if (value instanceof JsonObject object) {
      List<String> members = new ArrayList<>();
      for (Map.Entry<String, Object> entry : object) {
        members.add(Json.encode(entry.getKey()) + ": " + python(entry.getValue()));
      }
      return "{" + String.join(", ", members) + "}";
    }
    if (value instanceof JsonArray array) {
      List<String> items = new ArrayList<>();
      array.forEach(item -> items.add(python(item)));
      return "[" + String.join(", ", items) + "]";
    }
    return Json.encode(value);
  }
}
