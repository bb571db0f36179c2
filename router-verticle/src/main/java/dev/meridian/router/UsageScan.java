package dev.meridian.router;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.openai.UsageReader;
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
 * an object all give null; a key given twice counts by its last value, as in a map. The usage fields
 * themselves (cached and reasoning tokens included) are read by {@link UsageReader}.
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
          usage = value == JsonToken.START_OBJECT ? UsageReader.read(parser) : null;
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
}
