package dev.meridian.simulator;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a chat request that shape the simulated answer beyond its length: {@code n}, {@code
 * logprobs}/{@code top_logprobs}, {@code tools}/{@code tool_choice}/{@code parallel_tool_calls},
 * {@code response_format} and {@code stop}. Validated as OpenAI validates them, so a bad value gets the
 * provider's 400 with the offending {@code param}.
 *
 * @param topLogprobs alternatives per token, 0..20; meaningful only with {@code logprobs}
 * @param schema the schema content must conform to: {@code json_schema.schema}, an empty object schema
 *     for {@code json_object}, null for plain text
 */
record ChatFeatures(
    int n,
    boolean logprobs,
    int topLogprobs,
    List<Tool> tools,
    ToolChoice toolChoice,
    String forcedTool,
    boolean parallelToolCalls,
    JsonObject schema,
    List<String> stop) {

  static final int MAX_N = 128;
  static final int MAX_TOP_LOGPROBS = 20;
  static final int MAX_STOP = 4;
  static final ChatFeatures PLAIN =
      new ChatFeatures(1, false, 0, List.of(), ToolChoice.NONE, null, true, null, List.of());

  enum ToolChoice { NONE, AUTO, REQUIRED, NAMED }

  /** A function tool: its name and its JSON-schema {@code parameters} (an empty object schema when unset). */
  record Tool(String name, JsonObject parameters) {}

  boolean structured() {
    return schema != null;
  }

  /** Reads and validates; throws {@link OpenAiException} (400) naming the first bad field. */
  static ChatFeatures of(JsonObject body) {
    int n = integer(body, "n", 1, 1, MAX_N);
    boolean logprobs = flag(body, "logprobs");
    int top = integer(body, "top_logprobs", 0, 0, MAX_TOP_LOGPROBS);
    if (body.getValue("top_logprobs") != null && !logprobs) {
      throw invalid("invalid_value",
          "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is specified.",
          "top_logprobs");
    }
    List<Tool> tools = tools(body.getValue("tools"));
    Object choice = body.getValue("tool_choice");
    ToolChoice mode = tools.isEmpty() ? ToolChoice.NONE : ToolChoice.AUTO;
    String forced = null;
    if (choice != null) {
      if (tools.isEmpty()) {
        throw invalid("invalid_value",
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
            "tool_choice");
      }
      if (choice instanceof String name && List.of("none", "auto", "required").contains(name)) {
        mode = ToolChoice.valueOf(name.toUpperCase(java.util.Locale.ROOT));
      } else if (choice instanceof JsonObject named
          && "function".equals(named.getValue("type"))
          && named.getValue("function") instanceof JsonObject function
          && function.getValue("name") instanceof String name) {
        if (tools.stream().noneMatch(tool -> tool.name().equals(name))) {
          throw invalid("invalid_value",
              "Invalid value for 'tool_choice': tool '" + name + "' not found in 'tools' parameter.",
              "tool_choice");
        }
        mode = ToolChoice.NAMED;
        forced = name;
      } else {
        throw invalid("invalid_value", "Invalid value for 'tool_choice': expected 'none', 'auto', "
            + "'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}.", "tool_choice");
      }
    }
    Object parallel = body.getValue("parallel_tool_calls");
    if (parallel != null && !(parallel instanceof Boolean)) {
      throw invalid("invalid_type", "Invalid type for 'parallel_tool_calls': expected a boolean.", "parallel_tool_calls");
    }
    return new ChatFeatures(n, logprobs, top, tools, mode, forced, !Boolean.FALSE.equals(parallel),
        schema(body.getValue("response_format")), stop(body.getValue("stop")));
  }

  private static List<Tool> tools(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list)) {
      throw invalid("invalid_type", "Invalid type for 'tools': expected an array of tools.", "tools");
    }
    List<Tool> tools = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "tools[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject tool) || !"function".equals(tool.getValue("type"))
          || !(tool.getValue("function") instanceof JsonObject function)) {
        throw invalid("invalid_value",
            "Invalid value for '" + at + "': expected {\"type\": \"function\", \"function\": {...}}.", at);
      }
      if (!(function.getValue("name") instanceof String name) || !name.matches("[a-zA-Z0-9_-]{1,64}")) {
        throw invalid("invalid_value",
            "Invalid '" + at + ".function.name': a string of letters, digits, '_' or '-', at most 64.",
            at + ".function.name");
      }
      Object parameters = function.getValue("parameters");
      JsonObject schema = parameters == null ? new JsonObject().put("type", "object") : checked(parameters,
          "Invalid schema for function '" + name + "'", at + ".function.parameters");
      tools.add(new Tool(name, schema));
    }
    return List.copyOf(tools);
  }

  private static JsonObject schema(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject format) || !(format.getValue("type") instanceof String type)) {
      throw invalid("invalid_type", "Invalid type for 'response_format': expected an object with a 'type'.",
          "response_format");
    }
    switch (type) {
      case "text":
        return null;
      case "json_object":
        return new JsonObject().put("type", "object");
      case "json_schema":
        break;
      default:
        throw invalid("invalid_value", "Invalid value for 'response_format.type': '" + type
            + "'; expected 'text', 'json_object' or 'json_schema'.", "response_format.type");
    }
    if (!(format.getValue("json_schema") instanceof JsonObject spec)) {
      throw invalid("missing_required_parameter", "Missing required parameter: 'response_format.json_schema'.",
          "response_format.json_schema");
    }
    if (!(spec.getValue("name") instanceof String name) || name.isBlank()) {
      throw invalid("missing_required_parameter",
          "Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name");
    }
    Object schema = spec.getValue("schema");
    return schema == null ? new JsonObject().put("type", "object")
        : checked(schema, "Invalid schema for response_format '" + name + "'", "response_format");
  }

  private static JsonObject checked(Object schema, String what, String param) {
    try {
      JsonSchemaCheck.check(schema);
      JsonSchemaSampler.sample((JsonObject) schema, 0); // a schema no value satisfies is refused too
    } catch (JsonSchemaCheck.InvalidSchemaException | JsonSchemaSampler.NoInstanceException e) {
      throw invalid("invalid_json_schema", what + ": " + e.getMessage() + ".", param);
    }
    return (JsonObject) schema;
  }

  private static List<String> stop(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String one) {
      return one.isEmpty() ? List.of() : List.of(one);
    }
    if (value instanceof JsonArray many && many.size() <= MAX_STOP
        && many.stream().allMatch(s -> s instanceof String)) {
      return many.stream().map(String.class::cast).filter(s -> !s.isEmpty()).toList();
    }
    throw invalid("invalid_value",
        "Invalid value for 'stop': expected a string or an array of at most " + MAX_STOP + " strings.", "stop");
  }

  private static int integer(JsonObject body, String field, int absent, int min, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw invalid("invalid_type", "Invalid type for '" + field + "': expected an integer.", field);
    }
    if (number.doubleValue() < min || number.doubleValue() > max) {
      throw invalid(number.doubleValue() < min ? "integer_below_min_value" : "integer_above_max_value",
          "Invalid '" + field + "': expected a value within " + min + ".." + max + ", but got " + value
              + " instead.", field);
    }
    return number.intValue();
  }

  private static boolean flag(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof Boolean)) {
      throw invalid("invalid_type", "Invalid type for '" + field + "': expected a boolean.", field);
    }
    return Boolean.TRUE.equals(value);
  }

  private static OpenAiException invalid(String code, String message, String param) {
    return OpenAiError.invalidRequest(code, message, param).asException();
  }
}
