package dev.meridian.simulator;

import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.openai.ChatRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one simulated completion will say, decided up front so streamed and whole answers agree.
 *
 * <p>A request without a budget gets the configured default length and finishes with {@code stop}. A
 * request with {@code max_tokens} (or {@code max_completion_tokens}) is generated up to that budget,
 * capped at {@link SimulatorOptions#MAX_OUTPUT_TOKENS}, and finishes with {@code length} when the budget
 * is what ended it. Reasoning models spend their first tokens thinking ({@code reasoning_content});
 * those count against the budget, as they do at real providers.
 *
 * @param model the model name the client sent, echoed in responses
 * @param reasoningTokens how many of the first {@code outputTokens} are reasoning
 */
record CompletionPlan(
    String id,
    long created,
    String model,
    int promptTokens,
    int outputTokens,
    int reasoningTokens,
    boolean cutByLimit,
    int textSeed,
    boolean includeUsage) {

  static final int MAX_REASONING_TOKENS = 32;

  static CompletionPlan of(
      ModelSpec spec, ChatRequest request, int defaultOutputTokens, String id, long createdSeconds) {
    Integer budget = request.maxTokens();
    int outputTokens =
        budget == null ? defaultOutputTokens : Math.min(budget, SimulatorOptions.MAX_OUTPUT_TOKENS);
    boolean cut = budget != null && budget <= SimulatorOptions.MAX_OUTPUT_TOKENS;
    int reasoning =
        spec.isReasoning() ? Math.min(MAX_REASONING_TOKENS, Math.max(1, outputTokens / 5)) : 0;
    JsonArray messages = request.body().getJsonArray("messages");
    return new CompletionPlan(
        id,
        createdSeconds,
        request.model(),
        TextGenerator.promptTokens(messages),
        outputTokens,
        Math.min(reasoning, outputTokens),
        cut,
        TextGenerator.seed(spec.id(), messages),
        request.includeUsage());
  }

  String finishReason() {
    return cutByLimit ? "length" : "stop";
  }

  boolean isReasoning(int tokenIndex) {
    return tokenIndex < reasoningTokens;
  }

  JsonObject usage() {
    JsonObject usage =
        new JsonObject()
            .put("prompt_tokens", promptTokens)
            .put("completion_tokens", outputTokens)
            .put("total_tokens", promptTokens + outputTokens);
    if (reasoningTokens > 0) {
      usage.put("completion_tokens_details", new JsonObject().put("reasoning_tokens", reasoningTokens));
    }
    return usage;
  }

  /** The whole, non-streamed {@code chat.completion}. */
  JsonObject completionJson() {
    JsonObject message =
        new JsonObject()
            .put("role", "assistant")
            .put("content", TextGenerator.text(textSeed, reasoningTokens, outputTokens));
    if (reasoningTokens > 0) {
      message.put("reasoning_content", TextGenerator.text(textSeed, 0, reasoningTokens));
    }
    JsonObject choice =
        new JsonObject()
            .put("index", 0)
            .put("message", message)
            .put("finish_reason", finishReason());
    return new JsonObject()
        .put("id", id)
        .put("object", "chat.completion")
        .put("created", created)
        .put("model", model)
        .put("choices", new JsonArray().add(choice))
        .put("usage", usage());
  }
}
