package dev.meridian.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One choice of a simulated completion, decided up front: reasoning tokens, content pieces (one token
 * each) and tool calls with their argument pieces, and the finish reason. Renders itself whole (a
 * {@code message}) or as stream deltas, so both agree; a stream step is one chunk.
 *
 * <p>Stream steps, in order: one per reasoning token ({@code reasoning_content}), one per content piece
 * (with its logprobs when asked), then per tool call a first delta with {@code index}, {@code id},
 * {@code type}, {@code function.name} and empty {@code arguments}, followed by one delta per argument
 * piece, as OpenAI streams them. The first step also carries {@code role}. A choice with nothing to say
 * still has one step: the role and empty content.
 */
final class ChoicePlan {
  /** Characters per simulated token of JSON content and tool arguments. */
  static final int CHARS_PER_TOKEN = 4;

  private final int index;
  private final int seed;
  private final int reasoningTokens;
  private final List<String> content;
  private final List<ToolCallPlanner.PlannedCall> calls;
  private final List<List<String>> arguments;
  private final String finishReason;
  /** Top alternatives per content token, or -1 without logprobs. */
  private final int topLogprobs;
  /** Steps before each tool call's first delta. */
  private final int[] callStart;
  private final int steps;

  ChoicePlan(int index, int seed, int reasoningTokens, List<String> content,
      List<ToolCallPlanner.PlannedCall> calls, List<List<String>> arguments, String finishReason, int topLogprobs) {
    this.index = index;
    this.seed = seed;
    this.reasoningTokens = reasoningTokens;
    this.content = List.copyOf(content);
    this.calls = List.copyOf(calls);
    this.arguments = List.copyOf(arguments);
    this.finishReason = finishReason;
    this.topLogprobs = topLogprobs;
    this.callStart = new int[calls.size()];
    int at = reasoningTokens + content.size();
    for (int i = 0; i < calls.size(); i++) {
      callStart[i] = at;
      at += 1 + arguments.get(i).size();
    }
    this.steps = Math.max(1, at);
  }

  int index() {
    return index;
  }

  String finishReason() {
    return finishReason;
  }

  int reasoningTokens() {
    return reasoningTokens;
  }

  /** Tokens generated: reasoning, content pieces and argument pieces. */
  int tokens() {
    int tokens = reasoningTokens + content.size();
    for (List<String> pieces : arguments) {
      tokens += pieces.size();
    }
    return tokens;
  }

  int steps() {
    return steps;
  }

  String contentText() {
    return String.join("", content);
  }

  /** The whole {@code message} of a non-streamed choice. */
  JsonObject message() {
    JsonObject message = new JsonObject().put("role", "assistant");
    message.put("content", calls.isEmpty() || !content.isEmpty() ? contentText() : null);
    if (reasoningTokens > 0) {
      message.put("reasoning_content", TextGenerator.text(seed, 0, reasoningTokens));
    }
    if (!calls.isEmpty()) {
      JsonArray toolCalls = new JsonArray();
      for (int i = 0; i < calls.size(); i++) {
        ToolCallPlanner.PlannedCall call = calls.get(i);
        toolCalls.add(new JsonObject().put("id", call.id()).put("type", "function").put("function",
            new JsonObject().put("name", call.name()).put("arguments", String.join("", arguments.get(i)))));
      }
      message.put("tool_calls", toolCalls);
    }
    return message;
  }

  /** The whole choice: index, message, logprobs when asked, finish reason. */
  JsonObject wholeChoice() {
    JsonObject choice = new JsonObject().put("index", index).put("message", message());
    if (topLogprobs >= 0) {
      JsonArray entries = new JsonArray();
      for (int k = 0; k < content.size(); k++) {
        entries.add(LogprobsGenerator.entry(content.get(k), seed, k, topLogprobs));
      }
      choice.put("logprobs", LogprobsGenerator.of(entries));
    }
    return choice.put("finish_reason", finishReason);
  }

  /** The chunk choice of stream step {@code step} (0 ≤ step &lt; {@link #steps()}). */
  JsonObject streamChoice(int step) {
    JsonObject delta = new JsonObject();
    if (step == 0) {
      delta.put("role", "assistant");
    }
    JsonObject logprobs = null;
    int contentStep = step - reasoningTokens;
    if (step < reasoningTokens) {
      delta.put("reasoning_content", TextGenerator.token(seed, step));
    } else if (contentStep < content.size()) {
      delta.put("content", content.get(contentStep));
      if (topLogprobs >= 0) {
        logprobs = LogprobsGenerator.of(new JsonArray()
            .add(LogprobsGenerator.entry(content.get(contentStep), seed, contentStep, topLogprobs)));
      }
    } else if (!calls.isEmpty()) {
      if (step == 0) {
        delta.put("content", (Object) null);
      }
      delta.put("tool_calls", new JsonArray().add(toolCallDelta(step)));
    } else {
      delta.put("content", "");
    }
    JsonObject choice = new JsonObject().put("index", index).put("delta", delta);
    if (topLogprobs >= 0) {
      choice.put("logprobs", logprobs);
    }
    return choice.put("finish_reason", null);
  }

  /** The chunk choice that ends this choice: an empty delta and the finish reason. */
  JsonObject finishChoice() {
    JsonObject choice = new JsonObject().put("index", index).put("delta", new JsonObject());
    if (topLogprobs >= 0) {
      choice.put("logprobs", null);
    }
    return choice.put("finish_reason", finishReason);
  }

  private JsonObject toolCallDelta(int step) {
    int call = calls.size() - 1;
    while (callStart[call] > step) {
      call--;
    }
    int piece = step - callStart[call] - 1;
    JsonObject delta = new JsonObject().put("index", call);
    if (piece < 0) {
      ToolCallPlanner.PlannedCall planned = calls.get(call);
      return delta.put("id", planned.id()).put("type", "function")
          .put("function", new JsonObject().put("name", planned.name()).put("arguments", ""));
    }
    return delta.put("function", new JsonObject().put("arguments", arguments.get(call).get(piece)));
  }

  /** {@code text} in pieces of {@code size} characters, never splitting a surrogate pair. */
  static List<String> pieces(String text, int size) {
    List<String> pieces = new ArrayList<>(text.length() / size + 1);
    int at = 0;
    while (at < text.length()) {
      int end = Math.min(text.length(), at + size);
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end++;
      }
      pieces.add(text.substring(at, end));
      at = end;
    }
    return pieces;
  }
}
