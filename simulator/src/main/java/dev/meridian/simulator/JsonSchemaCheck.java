package dev.meridian.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * Rejects a JSON schema a provider would refuse (unknown type names, keywords of the wrong kind,
 * unresolvable {@code $ref}s, bounds that contradict each other), naming where the problem is as a
 * JSON pointer; and resolves {@code $ref}s for {@link JsonSchemaSampler}.
 */
final class JsonSchemaCheck {
  static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "object", "array", "null");
  private static final Set<String> SCHEMA_MAPS = Set.of("properties", "$defs", "definitions", "patternProperties");
  private static final Set<String> SCHEMA_LISTS = Set.of("anyOf", "oneOf", "allOf", "prefixItems");
  private static final Set<String> SCHEMAS = Set.of("items", "additionalProperties", "not");
  private static final Set<String> COUNTS = Set.of("minItems", "maxItems", "minLength", "maxLength");

  /** A malformed schema; the message says what and where. */
  static final class InvalidSchemaException extends RuntimeException {
    InvalidSchemaException(String message) {
      super(message, null, false, false);
    }
  }

  private final JsonObject root;

  private JsonSchemaCheck(JsonObject root) {
    this.root = root;
  }

  /** Throws {@link InvalidSchemaException} unless {@code schema} is a well-formed schema object. */
  static void check(Object schema) {
    if (!(schema instanceof JsonObject object)) {
      throw new InvalidSchemaException("the schema must be a JSON object");
    }
    new JsonSchemaCheck(object).walk(object, "#");
  }

  private void walk(Object schema, String at) {
    if (schema instanceof Boolean) {
      return;
    }
    if (!(schema instanceof JsonObject s)) {
      throw invalid(at, "a schema must be an object or a boolean");
    }
    checkType(s.getValue("type"), at);
    for (Map.Entry<String, Object> entry : s) {
      String keyword = entry.getKey();
      Object value = entry.getValue();
      String here = at + "/" + keyword;
      if (SCHEMA_MAPS.contains(keyword)) {
        if (!(value instanceof JsonObject map)) {
          throw invalid(here, "'" + keyword + "' must be an object of schemas");
        }
        map.forEach(member -> walk(member.getValue(), here + "/" + escape(member.getKey())));
      } else if (SCHEMA_LISTS.contains(keyword)) {
        if (!(value instanceof JsonArray list) || list.isEmpty()) {
          throw invalid(here, "'" + keyword + "' must be a non-empty array of schemas");
        }
        for (int i = 0; i < list.size(); i++) {
          walk(list.getValue(i), here + "/" + i);
        }
      } else if (SCHEMAS.contains(keyword)) {
        walk(value, here);
      } else if (COUNTS.contains(keyword)) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0) {
          throw invalid(here, "'" + keyword + "' must be a non-negative integer");
        }
      } else {
        checkKeyword(keyword, value, here);
      }
    }
    requireOrdered(s, "minimum", "maximum", at);
    requireOrdered(s, "minItems", "maxItems", at);
    requireOrdered(s, "minLength", "maxLength", at);
  }

  private void checkKeyword(String keyword, Object value, String here) {
    switch (keyword) {
      case "required" -> {
        if (!(value instanceof JsonArray names) || names.stream().anyMatch(n -> !(n instanceof String))) {
          throw invalid(here, "'required' must be an array of property names");
        }
      }
      case "enum" -> {
        if (!(value instanceof JsonArray values) || values.isEmpty()) {
          throw invalid(here, "'enum' must be a non-empty array");
        }
      }
      case "$ref" -> {
        if (!(value instanceof String ref)) {
          throw invalid(here, "'$ref' must be a string");
        }
        resolve(root, ref);
      }
      case "minimum", "maximum", "multipleOf" -> {
        if (!(value instanceof Number)) {
          throw invalid(here, "'" + keyword + "' must be a number");
        }
      }
      case "exclusiveMinimum", "exclusiveMaximum" -> {
        if (!(value instanceof Number) && !(value instanceof Boolean)) {
          throw invalid(here, "'" + keyword + "' must be a number");
        }
      }
      default -> { } // annotations (title, description, default...) and keywords we do not sample by
    }
  }

  private static void checkType(Object type, String at) {
    if (type == null) {
      return;
    }
    if (type instanceof String name) {
      if (!TYPES.contains(name)) {
        throw invalid(at + "/type", "'" + name + "' is not a valid schema type; expected one of "
            + TYPES.stream().sorted().toList());
      }
      return;
    }
    if (!(type instanceof JsonArray names) || names.isEmpty()) {
      throw invalid(at + "/type", "'type' must be a type name or a non-empty array of them");
    }
    for (int i = 0; i < names.size(); i++) {
      checkType(names.getValue(i) instanceof String ? names.getValue(i) : Boolean.FALSE, at);
    }
  }

  private static void requireOrdered(JsonObject s, String low, String high, String at) {
    if (s.getValue(low) instanceof Number lo && s.getValue(high) instanceof Number hi
        && lo.doubleValue() > hi.doubleValue()) {
      throw invalid(at, "'" + low + "' is greater than '" + high + "'");
    }
  }

  /** The schema a local {@code $ref} (a JSON pointer into the document: "#", "#/$defs/Name"...) names. */
  static Object resolve(JsonObject root, String ref) {
    if (!ref.equals("#") && !ref.startsWith("#/")) {
      throw new InvalidSchemaException("'$ref' " + ref + " is not a local reference (#/...)");
    }
    Object at = root;
    if (ref.length() > 1) {
      for (String token : ref.substring(2).split("/", -1)) {
        String key = token.replace("~1", "/").replace("~0", "~");
        if (at instanceof JsonObject object && object.containsKey(key)) {
          at = object.getValue(key);
        } else if (at instanceof JsonArray array && key.matches("\\d{1,9}") && Integer.parseInt(key) < array.size()) {
          at = array.getValue(Integer.parseInt(key));
        } else {
          throw new InvalidSchemaException("'$ref' " + ref + " does not resolve");
        }
      }
    }
    if (!(at instanceof JsonObject) && !(at instanceof Boolean)) {
      throw new InvalidSchemaException("'$ref' " + ref + " does not name a schema");
    }
    return at;
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static InvalidSchemaException invalid(String at, String message) {
    return new InvalidSchemaException(message + " (at " + at + ")");
  }
}
