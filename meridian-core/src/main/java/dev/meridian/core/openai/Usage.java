package dev.meridian.core.openai;

import io.vertx.core.json.JsonObject;

/**
 * Tokens a request used, from the provider's {@code usage} block or, when it sent none, estimated.
 *
 * @param cachedPromptTokens the part of {@code promptTokens} served from the provider's prompt cache
 *     (OpenAI {@code prompt_tokens_details.cached_tokens}, DeepSeek {@code prompt_cache_hit_tokens}); 0
 *     when not reported
 * @param reasoningTokens the part of {@code completionTokens} spent reasoning
 *     ({@code completion_tokens_details.reasoning_tokens}); 0 when not reported
 * @param estimated true when counted by Meridian (streamed chunks, or characters / 4) rather than
 *     reported by the provider
 */
public record Usage(
    long promptTokens, long completionTokens, long cachedPromptTokens, long reasoningTokens, boolean estimated) {
  public static final Usage NONE = new Usage(0, 0, true);

  /** Prompt and completion only, as every provider reports them. */
  public Usage(long promptTokens, long completionTokens, boolean estimated) {
    this(promptTokens, completionTokens, 0, 0, estimated);
  }

  /**
   * The {@code usage} object of a completion or a stream chunk, or null when absent or malformed. Reads
   * the same fields, with the same rules, as {@link UsageReader}, which does it without a tree.
   */
  public static Usage fromJson(JsonObject usage) {
    if (usage == null) {
      return null;
    }
    Number prompt = number(usage.getValue("prompt_tokens"));
    Number completion = number(usage.getValue("completion_tokens"));
    Number cacheHit = number(usage.getValue("prompt_cache_hit_tokens"));
    Number cacheMiss = number(usage.getValue("prompt_cache_miss_tokens"));
    Number cached = usage.getValue("prompt_tokens_details") instanceof JsonObject details
        ? number(details.getValue("cached_tokens"))
        : null;
    Number reasoning = usage.getValue("completion_tokens_details") instanceof JsonObject details
        ? number(details.getValue("reasoning_tokens"))
        : null;
    return of(prompt, completion, number(usage.getValue("total_tokens")), cached, cacheHit, cacheMiss, reasoning);
  }

  /**
   * The usage from its fields as found (null when absent or not a number); null without a completion
   * count or any prompt count. DeepSeek's hit and miss counts stand in for a missing
   * {@code prompt_tokens} (they are its two parts); OpenAI's cached count wins over DeepSeek's hit count.
   * An embeddings answer reports {@code prompt_tokens} and {@code total_tokens} only: what the total adds
   * to the prompt is the completion (none).
   */
  static Usage of(
      Number prompt, Number completion, Number total, Number cached, Number cacheHit, Number cacheMiss, Number reasoning) {
    if (prompt == null && cacheHit != null && cacheMiss != null) {
      prompt = nonNegative(cacheHit) + nonNegative(cacheMiss);
    }
    if (completion == null && prompt != null && total != null) {
      completion = Math.max(0, nonNegative(total) - nonNegative(prompt));
    }
    if (prompt == null || completion == null) {
      return null;
    }
    long promptTokens = nonNegative(prompt);
    long completionTokens = nonNegative(completion);
    Number cache = cached != null ? cached : cacheHit;
    return new Usage(
        promptTokens,
        completionTokens,
        cache == null ? 0 : Math.min(promptTokens, nonNegative(cache)),
        reasoning == null ? 0 : Math.min(completionTokens, nonNegative(reasoning)),
        false);
  }

  /** Roughly four characters per token: the usual rule of thumb for English and code. */
  public static long estimateTokens(long characters) {
    return (characters + 3) / 4;
  }

  private static Number number(Object value) {
    return value instanceof Number n ? n : null;
  }

  private static long nonNegative(Number n) {
    return Math.max(0, n.longValue());
  }
}
