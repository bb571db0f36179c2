package dev.meridian.core.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.openai.UsageReader;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.Locale;

/**
 * What one event of an upstream chat-completions stream is, decided on its parsed form so that any
 * provider's formatting (pretty-printed JSON, key order, unknown fields) reads the same.
 *
 * <p>Cost: one pass of Jackson's streaming tokenizer over the data, building no tree; only the handful
 * of values decided on are materialised (usage numbers, the lengths of delta strings, never their text).
 * Every other value is skipped at tokenizer speed. The whole data is still tokenized, so malformed JSON
 * is seen as such.
 *
 * @param kind what the event is
 * @param usage the provider's usage when the event carries a well-formed one (usage-only events, or a
 *     usage block riding on a content chunk), else null
 * @param completionTokens an estimate of the tokens the event's deltas carry, for a stream that ends
 *     without usage: content, reasoning ({@code reasoning_content}, {@code reasoning}), refusal and
 *     tool-call arguments, counted per choice (so n &gt; 1 adds up), characters / 4 rounded up per piece
 */
public record ChatStreamEvent(Kind kind, Usage usage, long completionTokens) {
  public enum Kind {
    /** Comments ({@code : keep-alive}), blank lines, fields without data: nothing to decide. */
    NO_DATA,
    /** {@code data: [DONE]}. */
    DONE,
    /** An ordinary chunk: choices with deltas, or any other JSON object that is not an error. */
    CHUNK,
    /**
     * Usage and no choices ({@code choices} empty or absent): the event {@code include_usage} asks for.
     * An empty-choices event without usage (Azure's prompt-filter chunk) is a {@link #CHUNK}.
     */
    USAGE_ONLY,
    /**
     * An upstream error: {@code event: error}, a top-level non-null {@code error} (OpenAI's shape), a
     * {@code type} ending in "error" ({@code {"type":"server_error","message":...}}), {@code object:
     * "error"} (vLLM), or data that is not a JSON object at all.
     */
    ERROR
  }

  private static final ChatStreamEvent NO_DATA = new ChatStreamEvent(Kind.NO_DATA, null, 0);
  private static final ChatStreamEvent DONE = new ChatStreamEvent(Kind.DONE, null, 0);
  private static final ChatStreamEvent UNREADABLE = new ChatStreamEvent(Kind.ERROR, null, 0);

  public static ChatStreamEvent of(SseFrame frame) {
    return classify(frame.event(), frame.data());
  }

  /** @param event the {@code event:} name or null; @param data the joined data or null when none */
  public static ChatStreamEvent classify(String event, String data) {
    if ("error".equals(event)) {
      return data == null ? UNREADABLE : withKind(scan(data), Kind.ERROR);
    }
    if (data == null) {
      return NO_DATA;
    }
    if (data.strip().equals("[DONE]")) {
      return DONE;
    }
    return scan(data);
  }

  private static ChatStreamEvent withKind(ChatStreamEvent event, Kind kind) {
    return event.kind == kind ? event : new ChatStreamEvent(kind, event.usage, event.completionTokens);
  }

  private static ChatStreamEvent scan(String data) {
    try (JsonParser parser = JacksonCodec.createParser(data)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return UNREADABLE;
      }
      boolean error = false;
      boolean usagePresent = false;
      Usage usage = null;
      int choices = 0;
      long tokens = 0;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "choices" -> {
            choices = 0;
            if (value == JsonToken.START_ARRAY) {
              while (parser.nextToken() != JsonToken.END_ARRAY) {
                choices++;
                tokens += parser.currentToken() == JsonToken.START_OBJECT ? choiceTokens(parser) : skip(parser);
              }
            } else {
              parser.skipChildren();
            }
          }
          case "usage" -> {
            usagePresent = value == JsonToken.START_OBJECT;
            usage = usagePresent ? UsageReader.read(parser) : null;
            parser.skipChildren();
          }
          case "error" -> {
            error |= value != JsonToken.VALUE_NULL && value != JsonToken.VALUE_FALSE;
            parser.skipChildren();
          }
          case "type" -> error |= value == JsonToken.VALUE_STRING
              && parser.getText().toLowerCase(Locale.ROOT).endsWith("error");
          case "object" -> error |= value == JsonToken.VALUE_STRING && parser.getText().equals("error");
          default -> parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return UNREADABLE;
      }
      Kind kind = error ? Kind.ERROR : usagePresent && choices == 0 ? Kind.USAGE_ONLY : Kind.CHUNK;
      return new ChatStreamEvent(kind, usage, tokens);
    } catch (IOException | RuntimeException e) {
      return UNREADABLE;
    }
  }

  /** At a choice object's start; the tokens its delta (or message) carries. Leaves the parser on its end. */
  private static long choiceTokens(JsonParser parser) throws IOException {
    long tokens = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.START_OBJECT && (name.equals("delta") || name.equals("message"))) {
        tokens += deltaTokens(parser);
      } else {
        parser.skipChildren();
      }
    }
    return tokens;
  }

  private static long deltaTokens(JsonParser parser) throws IOException {
    long tokens = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (name) {
        case "content", "reasoning_content", "reasoning", "refusal" -> tokens += stringTokens(parser, value);
        case "tool_calls" -> {
          if (value == JsonToken.START_ARRAY) {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              tokens += parser.currentToken() == JsonToken.START_OBJECT ? toolCallTokens(parser) : skip(parser);
            }
          } else {
            parser.skipChildren();
          }
        }
        default -> parser.skipChildren();
      }
    }
    return tokens;
  }

  /** At a tool call's start: the tokens of {@code function.arguments}. */
  private static long toolCallTokens(JsonParser parser) throws IOException {
    long tokens = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (name.equals("function") && value == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken inner = parser.nextToken();
          if (field.equals("arguments")) {
            tokens += stringTokens(parser, inner);
          } else {
            parser.skipChildren();
          }
        }
      } else {
        parser.skipChildren();
      }
    }
    return tokens;
  }

  private static long stringTokens(JsonParser parser, JsonToken value) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      parser.skipChildren();
      return 0;
    }
    // Streamed deltas are about a token each; a provider that batches long pieces gets characters / 4.
    return Usage.estimateTokens(parser.getTextLength());
  }

  private static long skip(JsonParser parser) throws IOException {
    parser.skipChildren();
    return 0;
  }
}
