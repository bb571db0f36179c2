package dev.meridian.simulator;

import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.openai.ChatRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What one simulated completion will say, decided up front so streamed and whole answers agree: one
 * {@link ChoicePlan} per requested choice ({@code n}), each seeded differently.
 *
 * <p>Length: a text answer without a budget gets the configured default length and finishes with
 * {@code stop}; with {@code max_tokens} (or {@code max_completion_tokens}) it is generated up to that
 * budget, capped at {@link SimulatorOptions#MAX_OUTPUT_TOKENS}, and finishes with {@code length}. A JSON
 * answer ({@code response_format}) or a tool call is as long as its JSON, a token per {@value
 * ChoicePlan#CHARS_PER_TOKEN} characters: the default length never cuts it, a budget it exceeds does
 * ({@code length}, the JSON left incomplete, as real providers do). Reasoning models spend their first
 * tokens thinking ({@code reasoning_content}); those count against the budget. A {@code stop} sequence
 * found in the content ends it just before the sequence, with {@code stop}.
 *
 * @param model the model name the client sent, echoed in responses
 * @param cachedPromptTokens the prompt tokens a prefix cache would have served (reported by dialects
 *     that report it)
 */
record CompletionPlan(
    String id,
    long created,
    String model,
    int promptTokens,
    int cachedPromptTokens,
    List<ChoicePlan> choices,
    boolean includeUsage) {

  static final int MAX_REASONING_TOKENS = 32;
  /** Tokens of the text inside a {@code json_object} answer. */
  static final int JSON_OBJECT_WORDS = 12;

  static CompletionPlan of(
      ModelSpec spec, ChatRequest request, ChatFeatures features, int defaultOutputTokens, String id,
      long createdSeconds) {
    return of(spec, request, features, defaultOutputTokens, id, createdSeconds, 0);
  }

  /** @param cachedPromptTokens what the endpoint's prompt cache served ({@link PrefixCache}) */
  static CompletionPlan of(
      ModelSpec spec, ChatRequest request, ChatFeatures features, int defaultOutputTokens, String id,
      long createdSeconds, int cachedPromptTokens) {
    JsonArray messages = request.body().getJsonArray("messages");
    int seed = TextGenerator.seed(spec.id(), messages);
    List<ChoicePlan> choices = new ArrayList<>(features.n());
    for (int i = 0; i < features.n(); i++) {
      choices.add(choice(spec, request.maxTokens(), features, defaultOutputTokens, messages, i,
          seed + i * 0x61C88647));
    }
    int promptTokens = TextGenerator.promptTokens(messages);
    if (!features.tools().isEmpty()) {
      // Tool definitions are part of the prompt a provider bills.
      promptTokens += Json.encode(request.body().getValue("tools")).length() / 4;
    }
    return new CompletionPlan(id, createdSeconds, request.model(), promptTokens,
        Math.min(promptTokens, cachedPromptTokens), List.copyOf(choices), request.includeUsage());
  }

  private static ChoicePlan choice(ModelSpec spec, Integer budget, ChatFeatures features,
      int defaultOutputTokens, JsonArray messages, int index, int seed) {
    int cap = budget == null ? SimulatorOptions.MAX_OUTPUT_TOKENS : Math.min(budget, SimulatorOptions.MAX_OUTPUT_TOKENS);
    boolean limited = budget != null && budget <= SimulatorOptions.MAX_OUTPUT_TOKENS;
    int nominal = budget == null ? defaultOutputTokens : cap;
    int reasoning = spec.isReasoning() ? Math.min(MAX_REASONING_TOKENS, Math.max(1, nominal / 5)) : 0;
    reasoning = Math.min(reasoning, cap);
    int top = features.logprobs() ? features.topLogprobs() : -1;
    List<ToolCallPlanner.PlannedCall> calls = ToolCallPlanner.plan(features, messages, seed);

    if (!calls.isEmpty()) {
      int left = cap - reasoning;
      List<List<String>> arguments = new ArrayList<>();
      List<ToolCallPlanner.PlannedCall> sent = new ArrayList<>();
      for (ToolCallPlanner.PlannedCall call : calls) {
        if (left <= 0) {
          break;
        }
        List<String> pieces = ChoicePlan.pieces(call.arguments(), ChoicePlan.CHARS_PER_TOKEN);
        List<String> kept = pieces.subList(0, Math.min(pieces.size(), left));
        left -= kept.size();
        sent.add(call);
        arguments.add(kept);
      }
      boolean complete = sent.size() == calls.size() && (sent.isEmpty()
          || arguments.get(arguments.size() - 1).size() == ChoicePlan.pieces(
              calls.get(calls.size() - 1).arguments(), ChoicePlan.CHARS_PER_TOKEN).size());
      return new ChoicePlan(index, seed, reasoning, List.of(), sent, arguments,
          complete ? "tool_calls" : "length", top);
    }

    List<String> content;
    String finish;
    if (features.structured()) {
      String json = Json.encode(structured(features.schema(), seed));
      List<String> pieces = ChoicePlan.pieces(json, ChoicePlan.CHARS_PER_TOKEN);
      int room = cap - reasoning;
      content = pieces.size() > room ? pieces.subList(0, room) : pieces;
      finish = pieces.size() > room ? "length" : "stop";
    } else {
      int total = budget == null ? defaultOutputTokens : cap;
      content = new ArrayList<>(total - reasoning);
      for (int k = reasoning; k < total; k++) {
        content.add(TextGenerator.token(seed, k));
      }
      finish = limited ? "length" : "stop";
    }
    List<String> stopped = cutAtStop(content, features.stop());
    if (stopped != null) {
      content = stopped;
      finish = "stop";
    }
    return new ChoicePlan(index, seed, reasoning, content, List.of(), List.of(), finish, top);
  }

  /** A {@code json_object} answer is a small object; a schema gets a value conforming to it. */
  private static Object structured(JsonObject schema, int seed) {
    if (schema.size() == 1 && "object".equals(schema.getValue("type"))) {
      return new JsonObject().put("answer", TextGenerator.text(seed, 0, JSON_OBJECT_WORDS).trim())
          .put("words", JSON_OBJECT_WORDS);
    }
    return JsonSchemaSampler.sample(schema, seed);
  }

  /** The pieces before the earliest stop sequence, the last one shortened; null when none occurs. */
  static List<String> cutAtStop(List<String> pieces, List<String> stops) {
    if (stops.isEmpty()) {
      return null;
    }
    String text = String.join("", pieces);
    int at = -1;
    for (String stop : stops) {
      int found = text.indexOf(stop);
      if (found >= 0 && (at < 0 || found < at)) {
        at = found;
      }
    }
    if (at < 0) {
      return null;
    }
    List<String> kept = new ArrayList<>();
    int length = 0;
    for (String piece : pieces) {
      if (length + piece.length() > at) {
        if (at > length) {
          kept.add(piece.substring(0, at - length));
        }
        break;
      }
      kept.add(piece);
      length += piece.length();
    }
    return kept;
  }

  int completionTokens() {
    int tokens = 0;
    for (ChoicePlan choice : choices) {
      tokens += choice.tokens();
    }
    return tokens;
  }

  int reasoningTokens() {
    int tokens = 0;
    for (ChoicePlan choice : choices) {
      tokens += choice.reasoningTokens();
    }
    return tokens;
  }

  /** The longest choice's tokens: choices are generated side by side, so this sets the answer's duration. */
  int longestChoiceTokens() {
    int longest = 0;
    for (ChoicePlan choice : choices) {
      longest = Math.max(longest, choice.tokens());
    }
    return longest;
  }

  /** The most stream steps of any choice: the stream's rounds. */
  int rounds() {
    int rounds = 0;
    for (ChoicePlan choice : choices) {
      rounds = Math.max(rounds, choice.steps());
    }
    return rounds;
  }

  /** The whole, non-streamed {@code chat.completion}, in {@code dialect}'s fields. */
  JsonObject completionJson(Dialect dialect) {
    JsonObject completion = dialect.head(this, "chat.completion");
    JsonArray list = new JsonArray();
    choices.forEach(choice -> list.add(choice.wholeChoice()));
    return completion.put("choices", list).put("usage", dialect.usage(this));
  }
}
