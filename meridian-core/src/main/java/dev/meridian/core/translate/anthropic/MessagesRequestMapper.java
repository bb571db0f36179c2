package dev.meridian.core.translate.anthropic;

import static dev.meridian.core.translate.WireFields.array;
import static dev.meridian.core.translate.WireFields.invalid;
import static dev.meridian.core.translate.WireFields.missing;
import static dev.meridian.core.translate.WireFields.object;
import static dev.meridian.core.translate.WireFields.optionalBoolean;
import static dev.meridian.core.translate.WireFields.optionalInt;
import static dev.meridian.core.translate.WireFields.optionalNumber;
import static dev.meridian.core.translate.WireFields.optionalString;
import static dev.meridian.core.translate.WireFields.requiredString;

import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.ChatRequestParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * An Anthropic Messages request ({@code POST /v1/messages}) as the chat-completions request the
 * pipeline routes and sends upstream. Refuses (400, naming the field) what no chat-completions provider
 * could carry out; fields with no chat-completions meaning ({@code top_k}, {@code cache_control},
 * {@code service_tier} and other unknown fields) are dropped. docs/routing.md has the table.
 */
public final class MessagesRequestMapper {
  /** Anthropic's smallest thinking budget. */
  public static final int MIN_THINKING_BUDGET = 1024;
  /** Thinking budgets below this are {@code reasoning_effort: low}. */
  public static final int MEDIUM_EFFORT_BUDGET = 4096;
  /** Thinking budgets from this on are {@code reasoning_effort: high}. */
  public static final int HIGH_EFFORT_BUDGET = 16384;

  private MessagesRequestMapper() {}

  /**
   * @param catalogModel the catalog model of a name, or null for a tier, {@code auto} or an unknown
   *     name (which route selection then refuses as it does on chat)
   * @throws dev.meridian.core.openai.OpenAiException 400 naming the field that cannot be mapped
   */
  public static ChatRequest map(JsonObject wire, Function<String, ModelSpec> catalogModel) {
    return map(wire, catalogModel, true);
  }

  /**
   * A {@code count_tokens} request: the same fields as {@code /v1/messages}, but {@code max_tokens} is
   * optional there (Anthropic's count_tokens takes none).
   */
  public static ChatRequest mapForCount(JsonObject wire, Function<String, ModelSpec> catalogModel) {
    return map(wire, catalogModel, false);
  }

  private static ChatRequest map(JsonObject wire, Function<String, ModelSpec> catalogModel, boolean budgetRequired) {
    String model = requiredString(wire, "model", "model");
    Integer maxTokens = optionalInt(wire, "max_tokens", "max_tokens", 1, ChatRequestParser.MAX_OUTPUT_TOKENS);
    if (maxTokens == null && budgetRequired) {
      throw missing("max_tokens");
    }
    ModelSpec spec = catalogModel.apply(model);
    MessageBlocks blocks = new MessageBlocks(spec);
    blocks.system(wire.getValue("system"));
    blocks.conversation(wire.getValue("messages"));

    JsonObject chat = new JsonObject().put("model", model).put("messages", blocks.messages());
    putIfPresent(chat, "max_completion_tokens", maxTokens);
    if (optionalBoolean(wire, "stream", "stream")) {
      chat.put("stream", true);
    }
    putIfPresent(chat, "temperature", optionalNumber(wire, "temperature", 0, 1));
    putIfPresent(chat, "top_p", optionalNumber(wire, "top_p", 0, 1));
    // Validated as Anthropic would, then dropped: chat completions have no top_k.
    optionalInt(wire, "top_k", "top_k", 0, Integer.MAX_VALUE);
    putIfPresent(chat, "stop", stopSequences(wire.getValue("stop_sequences")));
    putIfPresent(chat, "user", userId(wire.getValue("metadata")));
    tools(wire, chat);
    putIfPresent(chat, "reasoning_effort", reasoningEffort(wire.getValue("thinking"), maxTokens, spec));
    return ChatRequestParser.validate(chat);
  }

  /**
   * The documented budget rule: {@code budget_tokens} below {@value #MEDIUM_EFFORT_BUDGET} is low, below
   * {@value #HIGH_EFFORT_BUDGET} medium, else high.
   */
  public static String effortFor(int budgetTokens) {
    return budgetTokens < MEDIUM_EFFORT_BUDGET ? "low" : budgetTokens < HIGH_EFFORT_BUDGET ? "medium" : "high";
  }

  /** Thinking becomes a reasoning effort for a reasoning model of the catalog, and nothing otherwise. */
  private static String reasoningEffort(Object thinking, Integer maxTokens, ModelSpec spec) {
    if (thinking == null) {
      return null;
    }
    JsonObject config = object(thinking, "thinking");
    Object type = config.getValue("type");
    if ("disabled".equals(type) || "adaptive".equals(type)) {
      // Adaptive: the model decides, which is what a provider does without a reasoning_effort.
      return null;
    }
    if (!"enabled".equals(type)) {
      throw invalid("thinking.type", "must be 'enabled', 'disabled' or 'adaptive'.");
    }
    Integer budget = optionalInt(config, "budget_tokens", "thinking.budget_tokens", MIN_THINKING_BUDGET, Integer.MAX_VALUE);
    if (budget == null) {
      throw missing("thinking.budget_tokens");
    }
    if (maxTokens != null && budget >= maxTokens) {
      throw invalid("thinking.budget_tokens", "must be less than max_tokens (" + maxTokens + ").");
    }
    return spec != null && spec.isReasoning() ? effortFor(budget) : null;
  }

  private static JsonArray stopSequences(Object value) {
    if (value == null) {
      return null;
    }
    JsonArray sequences = array(value, "stop_sequences");
    for (int i = 0; i < sequences.size(); i++) {
      if (!(sequences.getValue(i) instanceof String s) || s.isEmpty()) {
        throw invalid("stop_sequences[" + i + "]", "must be a non-empty string.");
      }
    }
    return sequences.isEmpty() ? null : sequences.copy();
  }

  private static String userId(Object metadata) {
    return metadata == null ? null : optionalString(object(metadata, "metadata"), "user_id", "metadata.user_id");
  }

  /** {@code tools} as functions, {@code tool_choice} as its chat-completions equivalent. */
  private static void tools(JsonObject wire, JsonObject chat) {
    Object value = wire.getValue("tools");
    JsonArray functions = new JsonArray();
    if (value != null) {
      JsonArray tools = array(value, "tools");
      for (int i = 0; i < tools.size(); i++) {
        functions.add(function(object(tools.getValue(i), "tools[" + i + "]"), "tools[" + i + "]"));
      }
    }
    Object choice = wire.getValue("tool_choice");
    JsonObject toolChoice = choice == null ? null : object(choice, "tool_choice");
    if (functions.isEmpty()) {
      // Chat completions refuse a tool_choice without tools; with no tools there is nothing to choose.
      if (toolChoice != null) {
        choice(toolChoice);
      }
      return;
    }
    chat.put("tools", functions);
    if (toolChoice != null) {
      chat.put("tool_choice", choice(toolChoice));
      if (optionalBoolean(toolChoice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use")) {
        chat.put("parallel_tool_calls", false);
      }
    }
  }

  private static JsonObject function(JsonObject tool, String param) {
    Object type = tool.getValue("type");
    if (type != null && !"custom".equals(type)) {
      throw invalid(param + ".type", "'" + type + "' is a tool Anthropic runs itself; chat-completions providers"
          + " take only client tools (name, description, input_schema).");
    }
    String name = requiredString(tool, "name", param + ".name");
    Object schema = tool.getValue("input_schema");
    if (schema == null) {
      throw missing(param + ".input_schema");
    }
    JsonObject function = new JsonObject().put("name", name);
    putIfPresent(function, "description", optionalString(tool, "description", param + ".description"));
    function.put("parameters", object(schema, param + ".input_schema").copy());
    return new JsonObject().put("type", "function").put("function", function);
  }

  private static Object choice(JsonObject choice) {
    Object type = choice.getValue("type");
    if ("auto".equals(type)) {
      return "auto";
    }
    if ("any".equals(type)) {
      return "required";
    }
    if ("none".equals(type)) {
      return "none";
    }
    if ("tool".equals(type)) {
      String name = requiredString(choice, "name", "tool_choice.name");
      return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name));
    }
    if (type == null) {
      throw missing("tool_choice.type");
    }
    throw invalid("tool_choice.type", "must be 'auto', 'any', 'tool' or 'none'.");
  }

  private static void putIfPresent(JsonObject json, String field, Object value) {
    if (value != null) {
      json.put(field, value);
    }
  }
}
