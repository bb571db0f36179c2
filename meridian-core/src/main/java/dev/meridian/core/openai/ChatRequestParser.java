package dev.meridian.core.openai;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Validates a chat-completions body before any upstream is chosen. The rules follow what OpenAI's own
 * API rejects, so a client gets the same 400 here as it would there; anything else passes through.
 */
public final class ChatRequestParser {
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");

  /** Deeper JSON than this is an attack or a bug, never a chat request; Jackson's own cap is 1000. */
  public static final int MAX_NESTING_DEPTH = 32;
  /** More messages than this in one request is refused (400) before any work on them. */
  public static final int MAX_MESSAGES = 2048;
  /** Output budget above which a request is refused rather than sent to a provider. */
  public static final int MAX_OUTPUT_TOKENS = 131_072;

  private ChatRequestParser() {}

  /** Parses and validates; throws {@link OpenAiException} with a 400 describing the first problem. */
  public static ChatRequest parse(String body) {
    return validate(parseObject(body));
  }

  /**
   * The body as a JSON object within the nesting limit, for any surface's request; throws {@link
   * OpenAiException} with a 400 saying what is wrong.
   */
  public static JsonObject parseObject(String body) {
    if (body == null || body.isBlank()) {
      throw OpenAiError.invalidJson("the body is empty").asException();
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw OpenAiError.invalidJson(firstLine(e.getMessage())).asException();
    }
    if (!(parsed instanceof JsonObject json)) {
      throw OpenAiError.invalidJson("the body must be a JSON object").asException();
    }
    if (depth(json, 1) > MAX_NESTING_DEPTH) {
      throw invalid("nesting_too_deep", "JSON nesting deeper than " + MAX_NESTING_DEPTH + " levels.", null);
    }
    return json;
  }

  public static ChatRequest validate(JsonObject json) {
    Object model = json.getValue("model");
    if (model == null) {
      throw invalid("missing_required_parameter", "you must provide a 'model' parameter.", "model");
    }
    if (!(model instanceof String modelName) || modelName.isBlank()) {
      throw invalid("invalid_type", "'model' must be a non-empty string.", "model");
    }

    Object messages = json.getValue("messages");
    if (messages == null) {
      throw invalid(
          "missing_required_parameter", "you must provide a 'messages' parameter.", "messages");
    }
    if (!(messages instanceof JsonArray list)) {
      throw invalid("invalid_type", "'messages' must be an array of message objects.", "messages");
    }
    if (list.isEmpty()) {
      throw invalid("empty_array", "'messages' must contain at least one message.", "messages");
    }
    if (list.size() > MAX_MESSAGES) {
      throw invalid("too_many_messages", "'messages' may hold at most " + MAX_MESSAGES + " messages.", "messages");
    }
    for (int i = 0; i < list.size(); i++) {
      validateMessage(list.getValue(i), i);
    }

    boolean stream = optionalBoolean(json, "stream", "stream");
    boolean includeUsage = false;
    Object streamOptions = json.getValue("stream_options");
    if (streamOptions != null) {
      if (!(streamOptions instanceof JsonObject options)) {
        throw invalid("invalid_type", "'stream_options' must be an object.", "stream_options");
      }
      includeUsage = optionalBoolean(options, "include_usage", "stream_options.include_usage");
    }

    Integer maxTokens = optionalPositiveInt(json, "max_completion_tokens");
    Integer legacyMaxTokens = optionalPositiveInt(json, "max_tokens");
    for (Integer budget : new Integer[] {maxTokens, legacyMaxTokens}) {
      if (budget != null && budget > MAX_OUTPUT_TOKENS) {
        throw invalid("invalid_value", "the output budget may be at most " + MAX_OUTPUT_TOKENS + " tokens.",
            maxTokens != null ? "max_completion_tokens" : "max_tokens");
      }
    }
    return new ChatRequest(
        modelName, stream, includeUsage, maxTokens != null ? maxTokens : legacyMaxTokens, json);
  }

  /**
   * Nesting depth, stopping as soon as it passes the limit (the walk itself must stay cheap: it reads
   * the parsed maps and lists as they are, without wrapping each in a JsonObject or JsonArray).
   */
  private static int depth(Object value, int level) {
    java.util.Map<?, ?> map = null;
    java.util.List<?> list = null;
    if (value instanceof JsonObject object) {
      map = object.getMap();
    } else if (value instanceof java.util.Map<?, ?> m) {
      map = m;
    } else if (value instanceof JsonArray array) {
      list = array.getList();
    } else if (value instanceof java.util.List<?> l) {
      list = l;
    }
    if (map == null && list == null) {
      // A scalar adds no level: it sits inside the container counted by its caller.
      return level - 1;
    }
    if (level > MAX_NESTING_DEPTH) {
      return level;
    }
    int deepest = level;
    // Two loops rather than one over an Iterable: each stays monomorphic, so its iterator is cheap.
    if (map != null) {
      for (Object child : map.values()) {
        deepest = Math.max(deepest, depth(child, level + 1));
        if (deepest > MAX_NESTING_DEPTH) {
          return deepest;
        }
      }
    } else {
      for (Object child : list) {
        deepest = Math.max(deepest, depth(child, level + 1));
        if (deepest > MAX_NESTING_DEPTH) {
          return deepest;
        }
      }
    }
    return deepest;
  }

  private static void validateMessage(Object value, int index) {
    String param = "messages[" + index + "]";
    if (!(value instanceof JsonObject message)) {
      throw invalid("invalid_type", "'" + param + "' must be an object.", param);
    }
    Object role = message.getValue("role");
    if (!(role instanceof String roleName)) {
      throw invalid(
          "missing_required_parameter", "'" + param + ".role' is required.", param + ".role");
    }
    if (!ROLES.contains(roleName)) {
      throw invalid(
          "invalid_value",
          "'" + param + ".role' must be one of " + String.join(", ", ROLES.stream().sorted().toList())
              + ", got '" + roleName + "'.",
          param + ".role");
    }
    Object content = message.getValue("content");
    // OpenAI: an assistant message needs content unless it carries tool_calls (or the legacy
    // function_call that the still-accepted 'function' role answers).
    boolean hasCalls =
        message.getValue("tool_calls") != null || message.getValue("function_call") != null;
    if (content == null) {
      if (!"assistant".equals(roleName) || !hasCalls) {
        throw invalid(
            "missing_required_parameter",
            "'" + param + ".content' is required.",
            param + ".content");
      }
    } else if (!(content instanceof String) && !(content instanceof JsonArray)) {
      throw invalid(
          "invalid_type",
          "'" + param + ".content' must be a string or an array of content parts.",
          param + ".content");
    }
  }

  /** {@code param} is the field's full path, e.g. {@code stream_options.include_usage}. */
  private static boolean optionalBoolean(JsonObject json, String field, String param) {
    Object value = json.getValue(field);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      throw invalid("invalid_type", "'" + param + "' must be a boolean.", param);
    }
    return flag;
  }

  private static Integer optionalPositiveInt(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number number)
        || number.doubleValue() != Math.rint(number.doubleValue())
        || number.doubleValue() < 1
        || number.doubleValue() > Integer.MAX_VALUE) {
      throw invalid("invalid_value", "'" + field + "' must be a positive integer.", field);
    }
    return number.intValue();
  }

  private static OpenAiException invalid(String code, String message, String param) {
    return OpenAiError.invalidRequest(code, "Invalid request: " + message, param).asException();
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "malformed JSON";
    }
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
