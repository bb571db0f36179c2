package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonSchemaSamplerTest {

  /** Schemas as clients send them (OpenAI docs, Pydantic, zod-to-json-schema), each sampled with many seeds. */
  @ParameterizedTest
  @ValueSource(strings = {
    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":150}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false}",
    "{\"type\":\"object\",\"properties\":{\"steps\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"explanation\":{\"type\":\"string\"},\"output\":{\"type\":\"string\"}},\"required\":[\"explanation\",\"output\"],\"additionalProperties\":false}},\"final_answer\":{\"type\":\"string\"}},\"required\":[\"steps\",\"final_answer\"],\"additionalProperties\":false}",
    "{\"type\":\"object\",\"properties\":{\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]},\"when\":{\"type\":\"string\",\"format\":\"date-time\"},\"day\":{\"type\":\"string\",\"format\":\"date\"},\"id\":{\"type\":\"string\",\"format\":\"uuid\"},\"mail\":{\"type\":\"string\",\"format\":\"email\"},\"site\":{\"type\":\"string\",\"format\":\"uri\"}},\"required\":[\"unit\"]}",
    "{\"type\":\"object\",\"properties\":{\"score\":{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":1},\"n\":{\"type\":\"integer\",\"exclusiveMinimum\":5,\"exclusiveMaximum\":7},\"even\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9,\"multipleOf\":2},\"flag\":{\"type\":\"boolean\"},\"nothing\":{\"type\":\"null\"}}}",
    "{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":12,\"maxLength\":14},\"minItems\":3,\"maxItems\":3},\"pair\":{\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}}}",
    "{\"type\":\"object\",\"properties\":{\"nick\":{\"type\":[\"string\",\"null\"]},\"either\":{\"anyOf\":[{\"type\":\"integer\",\"minimum\":3},{\"type\":\"null\"}]},\"kind\":{\"oneOf\":[{\"const\":\"a\"},{\"const\":\"b\"}]}},\"required\":[\"nick\",\"either\",\"kind\"]}",
    "{\"$defs\":{\"Address\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}},\"type\":\"object\",\"properties\":{\"home\":{\"$ref\":\"#/$defs/Address\"},\"work\":{\"allOf\":[{\"$ref\":\"#/$defs/Address\"},{\"properties\":{\"floor\":{\"type\":\"integer\",\"minimum\":1}},\"required\":[\"floor\"]}]}},\"required\":[\"home\",\"work\"]}",
    "{\"definitions\":{\"Node\":{\"type\":\"object\",\"properties\":{\"value\":{\"type\":\"integer\"},\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/Node\"}}},\"required\":[\"value\",\"children\"]}},\"$ref\":\"#/definitions/Node\"}",
    "{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\"},\"next\":{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"null\"}]}},\"required\":[\"label\",\"next\"]}"
  })
  void everySampleConformsToItsSchema(String text) {
    JsonObject schema = new JsonObject(text);
    JsonSchemaCheck.check(schema);
    Set<String> distinct = new HashSet<>();
    for (int seed = -50; seed < 50; seed++) {
      Object value = JsonSchemaSampler.sample(schema, seed * 7919);
      // Through the wire and back, as a client reads it.
      Object parsed = Json.decodeValue(Json.encode(value));
      assertThat(SchemaValidator.problems(schema, parsed)).as("seed %d: %s", seed, Json.encode(value)).isEmpty();
      distinct.add(Json.encode(value));
    }
    assertThat(distinct).as("samples vary with the seed").hasSizeGreaterThan(1);
  }

  @Test
  void anOptionalRecursionStopsSoonAfterTheFullDepth() {
    JsonObject schema = new JsonObject("{\"type\":\"object\",\"properties\":{\"next\":"
        + "{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"null\"}]}},\"required\":[\"next\"]}");
    String json = Json.encode(JsonSchemaSampler.sample(schema, 1));
    assertThat(json.split("next", -1).length - 1).isBetween(2, JsonSchemaSampler.FULL_DEPTH);
  }

  @Test
  void everyDeclaredPropertyIsFilledAndNothingElse() {
    JsonObject schema = new JsonObject("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
        + "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\"],\"additionalProperties\":false}");
    JsonObject value = (JsonObject) JsonSchemaSampler.sample(schema, 1);
    assertThat(value.fieldNames()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aRequiredRecursionHasNoFiniteInstance() {
    JsonObject schema = new JsonObject(
        "{\"type\":\"object\",\"properties\":{\"self\":{\"$ref\":\"#\"}},\"required\":[\"self\"]}");
    assertThatThrownBy(() -> JsonSchemaSampler.sample(schema, 1))
        .isInstanceOf(JsonSchemaSampler.NoInstanceException.class);
  }

  @Test
  void contradictionsHaveNoInstance() {
    for (String text : new String[] {
      "{\"type\":\"object\",\"properties\":{},\"required\":[\"x\"],\"additionalProperties\":false}",
      "{\"type\":\"integer\",\"exclusiveMinimum\":1,\"exclusiveMaximum\":2}",
      "{\"type\":\"object\",\"properties\":{\"never\":false},\"required\":[\"never\"]}"
    }) {
      assertThatThrownBy(() -> JsonSchemaSampler.sample(new JsonObject(text), 3)).as(text)
          .isInstanceOf(JsonSchemaSampler.NoInstanceException.class);
    }
  }

  @Test
  void anEmptyObjectSchemaGetsAnObject() {
    assertThat(JsonSchemaSampler.sample(new JsonObject().put("type", "object"), 5)).isEqualTo(new JsonObject());
    assertThat(JsonSchemaSampler.sample(new JsonObject().put("type", "array")
        .put("items", new JsonObject().put("type", "boolean")), 5)).isInstanceOf(JsonArray.class);
  }
}
