package dev.meridian.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An independent JSON-schema validator for tests: says why a value does not conform (empty when it
 * does). Covers the keywords the simulator claims to honour; written separately from the sampler so a
 * sampler bug is not mirrored here.
 */
final class SchemaValidator {
  private final JsonObject root;
  private final List<String> problems = new ArrayList<>();

  private SchemaValidator(JsonObject root) {
    this.root = root;
  }

  static List<String> problems(JsonObject schema, Object value) {
    SchemaValidator validator = new SchemaValidator(schema);
    validator.check(schema, value, "$");
    return validator.problems;
  }

  private boolean check(Object schemaValue, Object value, String at) {
    int before = problems.size();
    if (schemaValue instanceof Boolean accepts) {
      if (!accepts) {
        problems.add(at + ": false schema");
      }
      return accepts;
    }
    JsonObject schema = (JsonObject) schemaValue;
    if (schema.getValue("$ref") instanceof String ref) {
      Object target = root;
      for (String token : ref.equals("#") ? new String[0] : ref.substring(2).split("/")) {
        target = ((JsonObject) target).getValue(token);
      }
      check(target, value, at);
    }
    if (schema.containsKey("const") && !equal(schema.getValue("const"), value)) {
      problems.add(at + ": not the const");
    }
    if (schema.getValue("enum") instanceof JsonArray values
        && values.stream().noneMatch(v -> equal(v, value))) {
      problems.add(at + ": " + value + " not in enum " + values);
    }
    if (schema.getValue("type") != null && !typeMatches(schema.getValue("type"), value)) {
      problems.add(at + ": " + value + " is not of type " + schema.getValue("type"));
      return false;
    }
    if (schema.getValue("allOf") instanceof JsonArray all) {
      for (Object member : all) {
        check(member, value, at);
      }
    }
    if (schema.getValue("anyOf") instanceof JsonArray any && matching(any, value) == 0) {
      problems.add(at + ": matches no anyOf branch");
    }
    if (schema.getValue("oneOf") instanceof JsonArray one && matching(one, value) != 1) {
      problems.add(at + ": matches " + matching(one, value) + " oneOf branches");
    }
    if (value instanceof JsonObject object) {
      checkObject(schema, object, at);
    } else if (value instanceof JsonArray array) {
      checkArray(schema, array, at);
    } else if (value instanceof String text) {
      checkString(schema, text, at);
    } else if (value instanceof Number number) {
      checkNumber(schema, number.doubleValue(), at);
    }
    return problems.size() == before;
  }

  private int matching(JsonArray branches, Object value) {
    int matches = 0;
    for (Object branch : branches) {
      SchemaValidator trial = new SchemaValidator(root);
      trial.check(branch, value, "$");
      matches += trial.problems.isEmpty() ? 1 : 0;
    }
    return matches;
  }

  private void checkObject(JsonObject schema, JsonObject object, String at) {
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    if (schema.getValue("required") instanceof JsonArray required) {
      for (Object name : required) {
        if (!object.containsKey((String) name)) {
          problems.add(at + ": missing required '" + name + "'");
        }
      }
    }
    for (String name : object.fieldNames()) {
      if (properties.containsKey(name)) {
        check(properties.getValue(name), object.getValue(name), at + "." + name);
      } else if (schema.getValue("additionalProperties") != null) {
        check(schema.getValue("additionalProperties"), object.getValue(name), at + "." + name);
      }
    }
  }

  private void checkArray(JsonObject schema, JsonArray array, String at) {
    if (array.size() < schema.getInteger("minItems", 0)) {
      problems.add(at + ": fewer than minItems");
    }
    if (array.size() > schema.getInteger("maxItems", Integer.MAX_VALUE)) {
      problems.add(at + ": more than maxItems");
    }
    JsonArray prefix = schema.getJsonArray("prefixItems", new JsonArray());
    for (int i = 0; i < array.size(); i++) {
      Object itemSchema = i < prefix.size() ? prefix.getValue(i) : schema.getValue("items", Boolean.TRUE);
      check(itemSchema, array.getValue(i), at + "[" + i + "]");
    }
  }

  private void checkString(JsonObject schema, String text, String at) {
    if (text.length() < schema.getInteger("minLength", 0) || text.length() > schema.getInteger("maxLength", Integer.MAX_VALUE)) {
      problems.add(at + ": length " + text.length() + " out of bounds");
    }
    try {
      switch (schema.getString("format", "")) {
        case "date-time" -> OffsetDateTime.parse(text);
        case "date" -> LocalDate.parse(text);
        case "uuid" -> UUID.fromString(text);
        case "email" -> {
          if (!text.matches("[^@\\s]+@[^@\\s]+\\.[a-z]+")) {
            problems.add(at + ": not an email");
          }
        }
        case "uri" -> {
          if (!java.net.URI.create(text).isAbsolute()) {
            problems.add(at + ": not an absolute URI");
          }
        }
        default -> { }
      }
    } catch (RuntimeException e) {
      problems.add(at + ": bad " + schema.getString("format") + ": " + text);
    }
  }

  private void checkNumber(JsonObject schema, double n, String at) {
    if (schema.getValue("minimum") instanceof Number min && n < min.doubleValue()
        || schema.getValue("maximum") instanceof Number max && n > max.doubleValue()
        || schema.getValue("exclusiveMinimum") instanceof Number emin && n <= emin.doubleValue()
        || schema.getValue("exclusiveMaximum") instanceof Number emax && n >= emax.doubleValue()) {
      problems.add(at + ": " + n + " out of bounds");
    }
    if (schema.getValue("multipleOf") instanceof Number step && n % step.doubleValue() != 0) {
      problems.add(at + ": " + n + " not a multiple of " + step);
    }
  }

  private static boolean typeMatches(Object type, Object value) {
    if (type instanceof JsonArray types) {
      return types.stream().anyMatch(t -> typeMatches(t, value));
    }
    return switch ((String) type) {
      case "object" -> value instanceof JsonObject;
      case "array" -> value instanceof JsonArray;
      case "string" -> value instanceof String;
      case "integer" -> value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
      case "number" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      case "null" -> value == null;
      default -> false;
    };
  }

  private static boolean equal(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return java.util.Objects.equals(a, b);
  }
}
