package dev.meridian.core.openai;

import io.vertx.core.json.JsonObject;

/**
 * A validated chat-completions request. The body is kept whole so fields Meridian does not know
 * (temperature, tools, response_format...) pass through to the provider unchanged.
 *
 * @param maxTokens the client's output budget ({@code max_completion_tokens} or {@code max_tokens}),
 *     or null when unset
 */
public record ChatRequest(
    String model, boolean stream, boolean includeUsage, Integer maxTokens, JsonObject body) {

  /** The body to send upstream: the provider's model name replaces the one the client used. */
  public JsonObject upstreamBody(String upstreamModel) {
    return body.copy().put("model", upstreamModel);
  }

  /** The same request with an output cap the client did not set ({@code max_tokens} is sent upstream). */
  public ChatRequest withMaxTokens(int cap) {
    return new ChatRequest(model, stream, includeUsage, cap, body.copy().put("max_tokens", cap));
  }
}
