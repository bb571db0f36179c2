package dev.meridian.router;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.meridian.core.openai.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.JacksonCodec;

/**
 * The {@code usage} block of a non-streamed completion, read with Jackson's streaming parser: the
 * answer is relayed as the provider sent it, so building a tree of the whole answer (every choice,
 * every message string) only to read two numbers is waste.
 *
 * <p>Same result as {@code Usage.fromJson(new JsonObject(body).getJsonObject("usage"))} with a failure
 * read as null: the whole body is still tokenized, with the same parser settings as Vert.x's, so
 * malformed JSON, trailing tokens, a top level that is not an object, or a {@code usage} that is not
 * an object all give null; a key given twice counts by its last value, as in a map.
 */
final class UsageScan {
  private UsageScan() {}

  /** The provider's usage, or null when absent, malformed, or the body is not a JSON object. */
  static Usage of(Buffer body) {
    try (JsonParser parser = JacksonCodec.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Usage usage = null;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("usage".equals(name)) {
          usage = value == JsonToken.START_OBJECT ? readUsage(parser) : null;
          parser.skipChildren();
        } else {
          parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return null;
      }
      return usage;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** At the usage object's start; leaves the parser on its end. */
  private static Usage readUsage(JsonParser parser) throws java.io.IOException {
    Number prompt = null;
    Number completion = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      Number number = value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT
          ? parser.getNumberValue()
          : null;
      if ("prompt_tokens".equals(name)) {
        prompt = number;
      } else if ("completion_tokens".equals(name)) {
        completion = number;
      }
      parser.skipChildren();
    }
    if (prompt == null || completion == null) {
      return null;
    }
    return new Usage(Math.max(0, prompt.longValue()), Math.max(0, completion.longValue()), false);
  }
}
