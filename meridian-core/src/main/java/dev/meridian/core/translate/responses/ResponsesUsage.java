package dev.meridian.core.translate.responses;

import dev.meridian.core.openai.Usage;
import io.vertx.core.json.JsonObject;

/** A chat-completions {@code usage} as the Responses API's (input, output, cached and reasoning tokens). */
final class ResponsesUsage {
  private ResponsesUsage() {}

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
        .put("input_tokens", usage.promptTokens())
        .put("input_tokens_details", new JsonObject().put("cached_tokens", usage.cachedPromptTokens()))
        .put("output_tokens", usage.completionTokens())
        .put("output_tokens_details", new JsonObject().put("reasoning_tokens", usage.reasoningTokens()))
        .put("total_tokens", usage.promptTokens() + usage.completionTokens());
  }
}
