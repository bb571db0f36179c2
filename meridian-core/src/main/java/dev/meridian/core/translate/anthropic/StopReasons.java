package dev.meridian.core.translate.anthropic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A chat choice's {@code finish_reason} as Anthropic's {@code stop_reason}, and the stop sequence that
 * ended it. Chat completions say {@code stop} both for a natural end and for a stop sequence; only
 * providers that name the matched sequence (vLLM's {@code stop_reason}, SGLang's {@code matched_stop})
 * let Meridian report {@code stop_sequence}; otherwise it is {@code end_turn}.
 */
final class StopReasons {
  static final String END_TURN = "end_turn";
  static final String MAX_TOKENS = "max_tokens";
  static final String STOP_SEQUENCE = "stop_sequence";
  static final String TOOL_USE = "tool_use";
  static final String REFUSAL = "refusal";

  private StopReasons() {}

  /** {@code stop_reason} for a finish reason (null or unknown ones read as a natural end). */
  static String of(String finishReason, String matchedStop) {
    if (finishReason == null) {
      return END_TURN;
    }
    switch (finishReason) {
      case "length":
        return MAX_TOKENS;
      case "tool_calls":
      case "function_call":
        return TOOL_USE;
      case "content_filter":
        return REFUSAL;
      case "stop":
        return matchedStop != null ? STOP_SEQUENCE : END_TURN;
      default:
        return END_TURN;
    }
  }

  /** The stop sequence a choice names as matched, when it is one the client asked for; else null. */
  static String matchedStop(JsonObject choice, JsonArray stopSequences) {
    if (choice == null || stopSequences == null) {
      return null;
    }
    for (String field : new String[] {"stop_reason", "matched_stop"}) {
      if (choice.getValue(field) instanceof String matched && stopSequences.contains(matched)) {
        return matched;
      }
    }
    return null;
  }
}
