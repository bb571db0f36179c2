package dev.meridian.core.openai;

import io.vertx.core.json.JsonObject;

/**
 * Tokens a request used, from the provider's {@code usage} block or, when it sent none, estimated.
 *
 * @param estimated true when counted by Meridian (streamed chunks, or characters / 4) rather than
 *     reported by the provider
 */
public record Usage(long promptTokens, long completionTokens, boolean estimated) {
  public static final Usage NONE = new Usage(0, 0, true);

  /** The {@code usage} object of a completion or a stream chunk, or null when absent or malformed. */
  public static Usage fromJson(JsonObject usage) {
    if (usage == null) {
      return null;
    }
    Object prompt = usage.getValue("prompt_tokens");
    Object completion = usage.getValue("completion_tokens");
    if (!(prompt instanceof Number p) || !(completion instanceof Number c)) {
      return null;
    }
    return new Usage(Math.max(0, p.longValue()), Math.max(0, c.longValue()), false);
  }

  /** Roughly four characters per token: the usual rule of thumb for English and code. */
  public static long estimateTokens(long characters) {
    return (characters + 3) / 4;
  }
}
