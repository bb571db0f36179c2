package dev.meridian.core.translate.anthropic;

import dev.meridian.core.openai.Usage;
import io.vertx.core.json.JsonObject;

/**
 * A chat-completions {@code usage} as Anthropic's. Anthropic counts cache reads apart from
 * {@code input_tokens} (the prompt is their sum, plus cache writes), so the provider's cached prompt
 * tokens (OpenAI's {@code cached_tokens}, DeepSeek's {@code prompt_cache_hit_tokens}) move from
 * {@code input_tokens} to {@code cache_read_input_tokens}. Providers report no cache writes apart: 0.
 */
public final class AnthropicUsage {
  private AnthropicUsage() {}

  /**
   * @param chatUsage the provider's usage object, or null when it sent none
   * @param inputEstimate and {@code outputEstimate}: Meridian's estimates, used when it sent none
   */
  static JsonObject of(JsonObject chatUsage, long inputEstimate, long outputEstimate) {
    Usage usage = Usage.fromJson(chatUsage);
    if (usage == null) {
      usage = new Usage(inputEstimate, outputEstimate, true);
    }
    return new JsonObject()
        .put("input_tokens", usage.promptTokens() - usage.cachedPromptTokens())
        .put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", usage.cachedPromptTokens())
        .put("output_tokens", usage.completionTokens());
  }

  /**
   * An Anthropic {@code usage} object (a message's, {@code message_start}'s or {@code message_delta}'s)
   * as Meridian's usage: the prompt is input, cache reads and cache writes together, of which the
   * cache reads were cached. Null when it holds no token counts.
   */
  public static Usage read(JsonObject usage) {
    if (usage == null) {
      return null;
    }
    long input = count(usage, "input_tokens");
    long cacheRead = count(usage, "cache_read_input_tokens");
    long cacheWrite = count(usage, "cache_creation_input_tokens");
    long output = count(usage, "output_tokens");
    if (input < 0 && output < 0) {
      return null;
    }
    long prompt = Math.max(0, input) + Math.max(0, cacheRead) + Math.max(0, cacheWrite);
    return new Usage(prompt, Math.max(0, output), Math.max(0, cacheRead), 0, false);
  }

  /** A whole non-negative count, or -1 when absent or not one. */
  private static long count(JsonObject usage, String field) {
    return usage.getValue(field) instanceof Number n && n.doubleValue() >= 0 ? n.longValue() : -1;
  }
}
