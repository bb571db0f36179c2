package dev.meridian.core.translate.responses;

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
import java.util.Set;
import java.util.function.Function;

/**
 * An OpenAI Responses request ({@code POST /v1/responses}) as the chat-completions request the pipeline
 * routes and sends upstream. Meridian is stateless: {@code store: true}, {@code previous_response_id},
 * {@code conversation} and {@code background} are refused with a 400 that says so; so are built-in tools,
 * which the providers behind it do not run. Fields with no chat-completions meaning that change nothing
 * a client relies on ({@code include}, {@code truncation}, {@code text.verbosity}, {@code service_tier},
 * {@code prompt_cache_key}) are dropped. docs/routing.md has the table.
 */
public final class ResponsesRequestMapper {
  private static final Set<String> EFFORTS = Set.of("none", "minimal", "low", "medium", "high", "xhigh");

  private ResponsesRequestMapper() {}

  /**
   * @param catalogModel the catalog model of a name, or null for a tier, {@code auto}, an alias or an
   *     unknown name (which route selection then resolves or refuses as on chat)
   * @param servedItem an output item this router served, by id (null when unknown), for {@code item_reference}
   * @throws dev.meridian.core.openai.OpenAiException 400 naming the field that cannot be mapped
   */
  public static ChatRequest map(
      JsonObject wire, Function<String, ModelSpec> catalogModel, Function<String, JsonObject> servedItem) {
    String model = requiredString(wire, "model", "model");
    refuseState(wire);
    ModelSpec spec = catalogModel.apply(model);
    ResponseInput input = new ResponseInput(spec, servedItem);
    input.instructions(wire.getValue("instructions"));
    input.input(wire.getValue("input"));

    JsonObject chat = new JsonObject().put("model", model).put("messages", input.messages());
    putIfPresent(chat, "max_completion_tokens",
        optionalInt(wire, "max_output_tokens", "max_output_tokens", 1, ChatRequestParser.MAX_OUTPUT_TOKENS));
    if (optionalBoolean(wire, "stream", "stream")) {
      chat.put("stream", true);
    }
    putIfPresent(chat, "temperature", optionalNumber(wire, "temperature", 0, 2));
    putIfPresent(chat, "top_p", optionalNumber(wire, "top_p", 0, 1));
    Integer topLogprobs = optionalInt(wire, "top_logprobs", "top_logprobs", 0, 20);
    if (topLogprobs != null) {
      chat.put("logprobs", true).put("top_logprobs", topLogprobs);
    }
    putIfPresent(chat, "user", optionalString(wire, "user", "user"));
    if (wire.getValue("parallel_tool_calls") != null) {
      chat.put("parallel_tool_calls", optionalBoolean(wire, "parallel_tool_calls", "parallel_tool_calls"));
    }
    tools(wire, chat);
    putIfPresent(chat, "response_format", responseFormat(wire.getValue("text")));
    putIfPresent(chat, "reasoning_effort", reasoningEffort(wire.getValue("reasoning"), spec));
    if (wire.getValue("metadata") != null) {
      object(wire.getValue("metadata"), "metadata");
    }
    return ChatRequestParser.validate(chat);
  }

  /** What a stateless router cannot do, refused with the reason. */
  private static void refuseState(JsonObject wire) {
    if (optionalBoolean(wire, "store", "store")) {
      throw stateless("store", "store: true asks to keep the response for later retrieval;");
    }
    if (wire.getValue("previous_response_id") != null) {
      throw stateless("previous_response_id", "previous_response_id continues a stored response;");
    }
    if (wire.getValue("conversation") != null) {
      throw stateless("conversation", "conversation continues a stored conversation;");
    }
    if (optionalBoolean(wire, "background", "background")) {
      throw stateless("background", "background runs a response to be polled for later;");
    }
  }

  private static RuntimeException stateless(String param, String what) {
    return invalid(param, what + " Meridian is stateless and stores no responses. Send the whole conversation"
        + " in input (earlier output items included) with store: false or unset.");
  }

  /** Function tools as chat-completions tools; built-in tools refused. */
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
    Object mapped = choice == null ? null : toolChoice(choice);
    if (!functions.isEmpty()) {
      chat.put("tools", functions);
      putIfPresent(chat, "tool_choice", mapped);
    }
  }

  private static JsonObject function(JsonObject tool, String param) {
    Object type = tool.getValue("type");
    if (!"function".equals(type)) {
      throw type == null ? missing(param + ".type") : invalid(param + ".type", "'" + type + "' is a tool OpenAI runs"
          + " itself; the providers behind Meridian take function tools only (type 'function').");
    }
    JsonObject function = new JsonObject().put("name", requiredString(tool, "name", param + ".name"));
    putIfPresent(function, "description", optionalString(tool, "description", param + ".description"));
    if (tool.getValue("parameters") != null) {
      function.put("parameters", object(tool.getValue("parameters"), param + ".parameters").copy());
    }
    if (tool.getValue("strict") != null) {
      function.put("strict", optionalBoolean(tool, "strict", param + ".strict"));
    }
    return new JsonObject().put("type", "function").put("function", function);
  }

  private static Object toolChoice(Object choice) {
    if (choice instanceof String mode) {
      if (mode.equals("auto") || mode.equals("none") || mode.equals("required")) {
        return mode;
      }
      throw invalid("tool_choice", "must be 'auto', 'none', 'required' or a function.");
    }
    JsonObject named = object(choice, "tool_choice");
    if (!"function".equals(named.getValue("type"))) {
      throw invalid("tool_choice.type", "only function tools can be chosen here (type 'function' with a name).");
    }
    String name = requiredString(named, "name", "tool_choice.name");
    return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name));
  }

  /** {@code text.format} as chat completions' {@code response_format}; plain text is the default, null. */
  private static JsonObject responseFormat(Object text) {
    if (text == null) {
      return null;
    }
    Object formatValue = object(text, "text").getValue("format");
    if (formatValue == null) {
      return null;
    }
    JsonObject format = object(formatValue, "text.format");
    Object type = format.getValue("type");
    if ("text".equals(type)) {
      return null;
    }
    if ("json_object".equals(type)) {
      return new JsonObject().put("type", "json_object");
    }
    if (!"json_schema".equals(type)) {
      throw type == null ? missing("text.format.type")
          : invalid("text.format.type", "must be 'text', 'json_object' or 'json_schema'.");
    }
    JsonObject schema = new JsonObject().put("name", requiredString(format, "name", "text.format.name"));
    putIfPresent(schema, "description", optionalString(format, "description", "text.format.description"));
    Object body = format.getValue("schema");
    if (body == null) {
      throw missing("text.format.schema");
    }
    schema.put("schema", object(body, "text.format.schema").copy());
    if (format.getValue("strict") != null) {
      schema.put("strict", optionalBoolean(format, "strict", "text.format.strict"));
    }
    return new JsonObject().put("type", "json_schema").put("json_schema", schema);
  }

  /**
   * {@code reasoning.effort} as {@code reasoning_effort} for a reasoning model of the catalog ({@code
   * minimal} as {@code low}, {@code xhigh} as {@code high}: the seed providers know three levels; {@code
   * none} as no effort), and nothing for a model without reasoning, a tier or {@code auto}.
   */
  private static String reasoningEffort(Object reasoning, ModelSpec spec) {
    if (reasoning == null) {
      return null;
    }
    String effort = optionalString(object(reasoning, "reasoning"), "effort", "reasoning.effort");
    if (effort == null) {
      return null;
    }
    if (!EFFORTS.contains(effort)) {
      throw invalid("reasoning.effort", "must be one of 'none', 'minimal', 'low', 'medium', 'high', 'xhigh'.");
    }
    if (spec == null || !spec.isReasoning() || effort.equals("none")) {
      return null;
    }
    return effort.equals("minimal") ? "low" : effort.equals("xhigh") ? "high" : effort;
  }

  private static void putIfPresent(JsonObject json, String field, Object value) {
    if (value != null) {
      json.put(field, value);
    }
  }
}
