package dev.meridian.simulator;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides which tools a simulated model calls, deterministically, so tests and agent loops can rely on it:
 *
 * <ul>
 *   <li>{@code tool_choice} {@code none}, or no tools: no call, a text answer.
 *   <li>{@code auto} (the default with tools) when the last message is a {@code tool} result: no call, a
 *       text answer, so a tool loop ends after one round trip.
 *   <li>A named function: that function, always.
 *   <li>{@code auto} or {@code required}: every tool whose name the last user message mentions (case
 *       insensitive, {@code _} and {@code -} also read as spaces), in the order of {@code tools}; only the
 *       first of them when {@code parallel_tool_calls} is false; the first tool when none is mentioned.
 * </ul>
 *
 * Arguments are a JSON object built by {@link JsonSchemaSampler} from the tool's {@code parameters}.
 */
final class ToolCallPlanner {
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final int ID_LENGTH = 24;

  /** One call: {@code id} is {@code call_...}, {@code arguments} a JSON text valid for the tool's schema. */
  record PlannedCall(String id, String name, String arguments) {}

  private ToolCallPlanner() {}

  static List<PlannedCall> plan(ChatFeatures features, JsonArray messages, int seed) {
    List<ChatFeatures.Tool> chosen = choose(features, messages);
    List<PlannedCall> calls = new ArrayList<>(chosen.size());
    for (int i = 0; i < chosen.size(); i++) {
      ChatFeatures.Tool tool = chosen.get(i);
      int salt = 31 * seed + tool.name().hashCode() + i;
      Object arguments = JsonSchemaSampler.sample(tool.parameters(), salt);
      calls.add(new PlannedCall(callId(salt), tool.name(), Json.encode(arguments)));
    }
    return calls;
  }

  private static List<ChatFeatures.Tool> choose(ChatFeatures features, JsonArray messages) {
    List<ChatFeatures.Tool> tools = features.tools();
    switch (features.toolChoice()) {
      case NONE:
        return List.of();
      case NAMED:
        return tools.stream().filter(t -> t.name().equals(features.forcedTool())).limit(1).toList();
      case AUTO:
        if ("tool".equals(lastRole(messages))) {
          return List.of();
        }
        break;
      default:
        break;
    }
    String said = normalise(lastUserText(messages));
    List<ChatFeatures.Tool> mentioned = new ArrayList<>();
    for (ChatFeatures.Tool tool : tools) {
      if (said.contains(normalise(tool.name()))) {
        mentioned.add(tool);
      }
    }
    if (mentioned.isEmpty()) {
      return List.of(tools.get(0));
    }
    return features.parallelToolCalls() ? mentioned : mentioned.subList(0, 1);
  }

  private static String lastRole(JsonArray messages) {
    Object last = messages.isEmpty() ? null : messages.getValue(messages.size() - 1);
    return last instanceof JsonObject message ? message.getString("role") : null;
  }

  private static String lastUserText(JsonArray messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.getValue(i) instanceof JsonObject message && "user".equals(message.getValue("role"))) {
        return TextGenerator.contentText(message.getValue("content"));
      }
    }
    return "";
  }

  private static String normalise(String text) {
    return text.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
  }

  private static String callId(int salt) {
    StringBuilder id = new StringBuilder("call_");
    long state = salt * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    for (int i = 0; i < ID_LENGTH; i++) {
      state ^= state >>> 29;
      state *= 0xBF58476D1CE4E5B9L;
      state ^= state >>> 32;
      id.append(ID_ALPHABET.charAt((int) Math.floorMod(state, (long) ID_ALPHABET.length())));
    }
    return id.toString();
  }
}
