package dev.meridian.core.translate.responses;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** The output items of a response, built the same way for a JSON answer and at the end of a stream. */
final class OutputItems {
  private static final Pattern UNSAFE_ID = Pattern.compile("[^A-Za-z0-9_-]");

  private OutputItems() {}

  /** The provider's reasoning as raw reasoning text (it is not a summary). */
  static JsonObject reasoning(String id, String text) {
    return new JsonObject()
        .put("type", "reasoning")
        .put("id", id)
        .put("summary", new JsonArray())
        .put("content", new JsonArray().add(reasoningText(text)));
  }

  static JsonObject reasoningText(String text) {
    return new JsonObject().put("type", "reasoning_text").put("text", text);
  }

  static JsonObject message(String id, String status, JsonArray content) {
    return new JsonObject()
        .put("type", "message")
        .put("id", id)
        .put("status", status)
        .put("role", "assistant")
        .put("content", content);
  }

  static JsonObject outputText(String text, JsonArray logprobs) {
    return new JsonObject()
        .put("type", "output_text")
        .put("text", text)
        .put("annotations", new JsonArray())
        .put("logprobs", logprobs == null ? new JsonArray() : logprobs);
  }

  static JsonObject refusal(String text) {
    return new JsonObject().put("type", "refusal").put("refusal", text);
  }

  static JsonObject functionCall(String id, String callId, String name, String arguments, String status) {
    return new JsonObject()
        .put("type", "function_call")
        .put("id", id)
        .put("call_id", callId)
        .put("name", name)
        .put("arguments", arguments)
        .put("status", status);
  }

  /**
   * The {@code call_id} of a provider's tool call: its own id where it has a usable one (the client sends
   * it back with the output, and the provider then sees its own id again), else one made from the item's.
   */
  static String callId(String upstreamId, String itemId) {
    String safe = upstreamId == null ? "" : UNSAFE_ID.matcher(upstreamId).replaceAll("");
    return safe.isEmpty() ? "call_" + itemId.substring(itemId.indexOf('_') + 1) : safe;
  }

  /** A chat choice's {@code logprobs.content} (token, logprob, bytes, top_logprobs) as output_text logprobs. */
  static JsonArray logprobs(Object chatLogprobs) {
    if (!(chatLogprobs instanceof JsonObject logprobs) || !(logprobs.getValue("content") instanceof JsonArray content)) {
      return null;
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < content.size(); i++) {
      if (content.getValue(i) instanceof JsonObject token) {
        JsonObject entry = tokenLogprob(token);
        JsonArray top = new JsonArray();
        if (token.getValue("top_logprobs") instanceof JsonArray alternatives) {
          for (int j = 0; j < alternatives.size(); j++) {
            if (alternatives.getValue(j) instanceof JsonObject alternative) {
              top.add(tokenLogprob(alternative));
            }
          }
        }
        out.add(entry.put("top_logprobs", top));
      }
    }
    return out;
  }

  private static JsonObject tokenLogprob(JsonObject token) {
    return new JsonObject()
        .put("token", token.getValue("token") instanceof String s ? s : "")
        .put("logprob", token.getValue("logprob") instanceof Number n ? n : 0)
        .put("bytes", token.getValue("bytes") instanceof JsonArray b ? b : new JsonArray());
  }

  /** The response's status for a chat finish reason: a cut-off answer is incomplete, with the reason. */
  static String status(String finishReason) {
    return "length".equals(finishReason) || "content_filter".equals(finishReason) ? "incomplete" : "completed";
  }

  /** {@code incomplete_details} for a finish reason, or null when the answer is complete. */
  static JsonObject incompleteDetails(String finishReason) {
    if ("length".equals(finishReason)) {
      return new JsonObject().put("reason", "max_output_tokens");
    }
    if ("content_filter".equals(finishReason)) {
      return new JsonObject().put("reason", "content_filter");
    }
    return null;
  }
}
