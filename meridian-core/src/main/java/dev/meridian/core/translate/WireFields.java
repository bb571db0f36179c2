package dev.meridian.core.translate;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reading the fields of a translated surface's request, each refusal a 400 that names the field.
 * Anthropic's error shape has no {@code param}, so the message starts with the field's path too.
 */
public final class WireFields {
  private WireFields() {}

  public static OpenAiException invalid(String param, String problem) {
    return OpenAiError.invalidRequest("invalid_value", param + ": " + problem, param).asException();
  }

  public static OpenAiException missing(String param) {
    return OpenAiError.invalidRequest("missing_required_parameter", param + ": Field required", param).asException();
  }

  public static String requiredString(JsonObject json, String field, String param) {
    Object value = json.getValue(field);
    if (value == null) {
      throw missing(param);
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw invalid(param, "must be a non-empty string.");
    }
    return text;
  }

  /** A string or null when absent. */
  public static String optionalString(JsonObject json, String field, String param) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw invalid(param, "must be a string.");
    }
    return text;
  }

  public static JsonObject object(Object value, String param) {
    if (!(value instanceof JsonObject object)) {
      throw invalid(param, "must be an object.");
    }
    return object;
  }

  public static JsonArray array(Object value, String param) {
    if (!(value instanceof JsonArray array)) {
      throw invalid(param, "must be an array.");
    }
    return array;
  }

  public static boolean optionalBoolean(JsonObject json, String field, String param) {
    Object value = json.getValue(field);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      throw invalid(param, "must be a boolean.");
    }
    return flag;
  }

  /** A number within [min, max], or null when absent. */
  public static Number optionalNumber(JsonObject json, String field, double min, double max) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number number) || number.doubleValue() < min || number.doubleValue() > max) {
      throw invalid(field, "must be a number from " + trim(min) + " to " + trim(max) + ".");
    }
    return number;
  }

  /** A whole number of at least {@code min} (at most {@code max}), or null when absent. */
  public static Integer optionalInt(JsonObject json, String field, String param, long min, long max) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number number)
        || number.doubleValue() != Math.rint(number.doubleValue())
        || number.doubleValue() < min
        || number.doubleValue() > max) {
      throw invalid(param, "must be an integer from " + min + " to " + max + ".");
    }
    return number.intValue();
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
