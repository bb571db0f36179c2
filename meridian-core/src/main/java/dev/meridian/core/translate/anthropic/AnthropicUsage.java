package dev.meridian.core.translate.anthropic;

import dev.meridian.core.openai.Usage;
import io.vertx.core.json.JsonObject;

/**
 * A chat-completions {@code usage} as Anthropic's. Anthropic counts cache reads apart from
 * {@code input_tokens} (the prompt is their sum, plus cache writes), so the provider's cached prompt
 * tokens (OpenAI's {@code cached_tokens}, DeepSeek's {@code prompt_cache_hit_tokens}) move from
 * {@code input_tokens} to {@code cache_read_input_tokens}. Providers report no cache writes apart: 0.
 */
final class AnthropicUsage {
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
}
