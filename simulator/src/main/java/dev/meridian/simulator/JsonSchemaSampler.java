package dev.meridian.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a value that conforms to a JSON schema, deterministically from a seed: what a model asked for
 * structured output (or tool arguments) would answer. Covers the subset LLM APIs use: {@code type}
 * (one or a list), {@code properties}/{@code required}/{@code additionalProperties}, {@code items},
 * {@code prefixItems}, {@code minItems}/{@code maxItems}, {@code enum}, {@code const}, string {@code
 * format} and lengths, numeric bounds (inclusive and exclusive) and {@code multipleOf} for integers,
 * {@code anyOf}/{@code oneOf} (the first branch that has an instance), {@code allOf} (merged), and
 * {@code $ref} to any JSON pointer in the document ({@code #/$defs/..}, {@code #/definitions/..}).
 * {@code pattern} is not honoured.
 *
 * <p>Every declared property is filled near the top; deeper than {@link #FULL_DEPTH} only required ones
 * are, and arrays get their minimum, so recursive schemas terminate. Check the schema first with
 * {@link JsonSchemaCheck}: this class assumes it is well formed.
 */
@SuppressWarnings("unchecked")
final class JsonSchemaSampler {
  /** Below this depth optional properties are filled too. */
  static final int FULL_DEPTH = 4;
  /** A schema that needs more nesting than this has no instance we are willing to build. */
  static final int MAX_DEPTH = 24;
  private static final int DEFAULT_ITEMS = 2;

  /** The schema admits no value we can build (false, required recursion, contradictory bounds). */
  static final class NoInstanceException extends RuntimeException {
    NoInstanceException(String message) {
      super(message, null, false, false);
    }
  }

  private final JsonObject root;

  private JsonSchemaSampler(JsonObject root) {
    this.root = root;
  }

  /** A value conforming to {@code schema}; throws {@link NoInstanceException} when there is none. */
  static Object sample(JsonObject schema, int seed) {
    return new JsonSchemaSampler(schema).value(schema, seed, 0);
  }

  private Object value(Object schema, int salt, int depth) {
    if (depth > MAX_DEPTH) {
      throw new NoInstanceException("the schema nests deeper than " + MAX_DEPTH + " levels");
    }
    if (schema instanceof Boolean accepts) {
      if (!accepts) {
        throw new NoInstanceException("a 'false' schema admits no value");
      }
      return JsonSchemaScalars.words(salt, 2);
    }
    JsonObject s = (JsonObject) schema;
    if (s.getValue("$ref") instanceof String ref) {
      return value(resolve(ref), salt, depth + 1);
    }
    if (s.containsKey("const")) {
      return s.getValue("const");
    }
    if (s.getValue("enum") instanceof JsonArray values && !values.isEmpty()) {
      return values.getValue(Math.floorMod(salt, values.size()));
    }
    if (s.getValue("allOf") instanceof JsonArray all) {
      return value(merged(s, all), salt, depth + 1);
    }
    for (String keyword : List.of("anyOf", "oneOf")) {
      if (s.getValue(keyword) instanceof JsonArray branches) {
        return firstBranch(branches, salt, depth);
      }
    }
    switch (type(s, depth)) {
      case "object":
        return object(s, salt, depth);
      case "array":
        return array(s, salt, depth);
      case "integer":
        return JsonSchemaScalars.integer(s, salt);
      case "number":
        return JsonSchemaScalars.number(s, salt);
      case "boolean":
        return (salt & 1) == 0;
      case "null":
        return null;
      default:
        return JsonSchemaScalars.string(s, salt);
    }
  }

  private Object firstBranch(JsonArray branches, int salt, int depth) {
    NoInstanceException last = null;
    List<Object> order = new java.util.ArrayList<>(branches.getList());
    if (depth >= FULL_DEPTH) {
      // Deep in a recursive schema: the branches that cannot recurse come first, so it ends here.
      order.sort(java.util.Comparator.comparing(branch -> canNest(branch) ? 1 : 0));
    }
    for (Object branch : order) {
      try {
        return value(branch instanceof Map<?, ?> map ? new JsonObject((Map<String, Object>) map) : branch,
            salt, depth + 1);
      } catch (NoInstanceException e) {
        last = e;
      }
    }
    throw last != null ? last : new NoInstanceException("an empty anyOf/oneOf admits no value");
  }

  private static boolean canNest(Object branch) {
    if (!(branch instanceof JsonObject) && !(branch instanceof Map)) {
      return false;
    }
    JsonObject s = branch instanceof JsonObject o ? o : new JsonObject((Map<String, Object>) branch);
    Object type = s.getValue("type");
    return s.containsKey("$ref") || s.containsKey("anyOf") || s.containsKey("oneOf") || s.containsKey("allOf")
        || !(type instanceof String name) || name.equals("object") || name.equals("array");
  }

  /** The declared type, or the one its keywords imply; with a list, the first, or null when deep. */
  private static String type(JsonObject s, int depth) {
    Object type = s.getValue("type");
    if (type instanceof String name) {
      return name;
    }
    if (type instanceof JsonArray names && !names.isEmpty()) {
      if (depth >= FULL_DEPTH && names.contains("null")) {
        return "null";
      }
      for (Object name : names) {
        if (!"null".equals(name)) {
          return (String) name;
        }
      }
      return "null";
    }
    if (s.containsKey("properties") || s.containsKey("required") || s.containsKey("additionalProperties")) {
      return "object";
    }
    if (s.containsKey("items") || s.containsKey("prefixItems")) {
      return "array";
    }
    if (s.containsKey("minimum") || s.containsKey("maximum")) {
      return "number";
    }
    return "string";
  }

  private JsonObject object(JsonObject s, int salt, int depth) {
    JsonObject properties = s.getJsonObject("properties", new JsonObject());
    Set<String> required = new LinkedHashSet<>();
    if (s.getValue("required") instanceof JsonArray names) {
      names.forEach(name -> required.add((String) name));
    }
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> property : properties) {
      String name = property.getKey();
      if (depth < FULL_DEPTH || required.contains(name)) {
        out.put(name, value(property.getValue(), mix(salt, name), depth + 1));
      }
    }
    Object additional = s.getValue("additionalProperties");
    for (String name : required) {
      if (!out.containsKey(name)) {
        if (Boolean.FALSE.equals(additional)) {
          throw new NoInstanceException("'" + name + "' is required but not allowed");
        }
        out.put(name, value(additional == null ? Boolean.TRUE : additional, mix(salt, name), depth + 1));
      }
    }
    return out;
  }

  private JsonArray array(JsonObject s, int salt, int depth) {
    int min = s.getInteger("minItems", 0);
    int max = s.getInteger("maxItems", Integer.MAX_VALUE);
    int count = depth >= FULL_DEPTH ? min : Math.max(min, Math.min(DEFAULT_ITEMS, max));
    JsonArray prefix = s.getJsonArray("prefixItems", new JsonArray());
    Object items = s.getValue("items", Boolean.TRUE);
    count = Math.max(count, Math.min(prefix.size(), max));
    JsonArray out = new JsonArray();
    for (int i = 0; i < count; i++) {
      Object itemSchema = i < prefix.size() ? prefix.getValue(i) : items;
      out.add(value(itemSchema, mix(salt, i), depth + 1));
    }
    return out;
  }

  /** The merge of a schema's allOf members with its own keywords: properties and required unioned. */
  private JsonObject merged(JsonObject s, JsonArray all) {
    JsonObject out = s.copy();
    out.remove("allOf");
    JsonObject properties = out.getJsonObject("properties", new JsonObject()).copy();
    JsonArray required = out.getJsonArray("required", new JsonArray()).copy();
    for (Object item : all) {
      if (Boolean.TRUE.equals(item)) {
        continue;
      }
      if (!(item instanceof JsonObject)) {
        throw new NoInstanceException("a 'false' member of allOf admits no value");
      }
      JsonObject member = (JsonObject) item;
      while (member.getValue("$ref") instanceof String ref) {
        member = (JsonObject) resolve(ref);
      }
      for (Map.Entry<String, Object> entry : member) {
        switch (entry.getKey()) {
          case "properties" -> properties.getMap().putAll(((JsonObject) entry.getValue()).getMap());
          case "required" -> ((JsonArray) entry.getValue()).forEach(name -> {
            if (!required.contains(name)) {
              required.add(name);
            }
          });
          default -> {
            if (!out.containsKey(entry.getKey())) {
              out.put(entry.getKey(), entry.getValue());
            }
          }
        }
      }
    }
    if (!properties.isEmpty()) {
      out.put("properties", properties);
    }
    if (!required.isEmpty()) {
      out.put("required", required);
    }
    return out;
  }

  Object resolve(String ref) {
    return JsonSchemaCheck.resolve(root, ref);
  }

  private static int mix(int salt, Object key) {
    return 31 * salt + key.hashCode() * 0x9E3779B1 + 17;
  }
}
