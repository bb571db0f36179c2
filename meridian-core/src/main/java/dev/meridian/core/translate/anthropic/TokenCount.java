package dev.meridian.core.translate.anthropic;

import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.routing.RequestProfile;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST /v1/messages/count_tokens}: Meridian's own estimate of the prompt, the one its budgets,
 * limits and routing use (the text of the mapped messages, about four characters a token), not any
 * provider's tokenizer; no upstream is asked.
 */
public final class TokenCount {
  private TokenCount() {}

  public static long estimate(ChatRequest mapped) {
    return RequestProfile.of(mapped).estimatedPromptTokens();
  }

  public static JsonObject answer(ChatRequest mapped) {
    return new JsonObject().put("input_tokens", estimate(mapped));
  }
}
