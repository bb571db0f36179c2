package dev.meridian.core.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads a {@code usage} object from a Jackson streaming parser, with exactly the rules of
 * {@link Usage#fromJson}: relayed answers and stream chunks are scanned, not turned into trees, and the
 * two readings must agree (a key given twice counts by its last value, as in a map).
 */
public final class UsageReader {
  private UsageReader() {}

  /** With the parser on the usage object's start; leaves it on the object's end. Null when malformed. */
  public static Usage read(JsonParser parser) throws IOException {
    Number prompt = null;
    Number completion = null;
    Number total = null;
    Number cacheHit = null;
    Number cacheMiss = null;
    Number cached = null;
    Number reasoning = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (name) {
        case "prompt_tokens" -> prompt = number(parser, value);
        case "completion_tokens" -> completion = number(parser, value);
        case "total_tokens" -> total = number(parser, value);
        case "prompt_cache_hit_tokens" -> cacheHit = number(parser, value);
        case "prompt_cache_miss_tokens" -> cacheMiss = number(parser, value);
        case "prompt_tokens_details" -> cached = field(parser, value, "cached_tokens");
        case "completion_tokens_details" -> reasoning = field(parser, value, "reasoning_tokens");
        default -> parser.skipChildren();
      }
    }
    return Usage.of(prompt, completion, total, cached, cacheHit, cacheMiss, reasoning);
  }

  /**
   * The last number under {@code wanted} when the value is an object, else null; leaves the parser on the
   * value's end.
   */
  private static Number field(JsonParser parser, JsonToken value, String wanted) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return null;
    }
    Number found = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken inner = parser.nextToken();
      if (wanted.equals(name)) {
        found = number(parser, inner);
      } else {
        parser.skipChildren();
      }
    }
    return found;
  }

  private static Number number(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
      return parser.getNumberValue();
    }
    parser.skipChildren();
    return null;
  }
}
