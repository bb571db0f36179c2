package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSchemaCheckTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "{\"type\":\"strin\"}|'strin' is not a valid schema type|#/type",
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"float\"}}}|'float' is not a valid schema type|#/properties/a/type",
    "{\"type\":[\"string\",7]}|'type' must be a type name|#/type",
    "{\"properties\":[]}|'properties' must be an object of schemas|#/properties",
    "{\"type\":\"object\",\"required\":\"a\"}|'required' must be an array|#/required",
    "{\"enum\":[]}|'enum' must be a non-empty array|#/enum",
    "{\"anyOf\":[]}|'anyOf' must be a non-empty array|#/anyOf",
    "{\"items\":3}|a schema must be an object or a boolean|#/items",
    "{\"type\":\"integer\",\"minimum\":5,\"maximum\":1}|'minimum' is greater than 'maximum'|#)",
    "{\"type\":\"array\",\"minItems\":-1}|'minItems' must be a non-negative integer|#/minItems",
    "{\"$ref\":\"#/$defs/Missing\"}|does not resolve|#/$defs/Missing",
    "{\"$ref\":\"https://example.com/s.json\"}|is not a local reference|https://example.com/s.json",
  })
  void malformedSchemasAreRefusedSayingWhere(String schema, String what, String where) {
    assertThatThrownBy(() -> JsonSchemaCheck.check(new JsonObject(schema)))
        .isInstanceOf(JsonSchemaCheck.InvalidSchemaException.class)
        .hasMessageContaining(what)
        .hasMessageContaining(where);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{}",
    "{\"type\":[\"string\",\"null\"],\"description\":\"free text\",\"title\":\"T\",\"default\":null}",
    "{\"$defs\":{\"a/b\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/a~1b\"}",
    "{\"type\":\"object\",\"properties\":{\"x\":true,\"y\":false},\"additionalProperties\":false}",
    "{\"type\":\"number\",\"exclusiveMinimum\":true,\"minimum\":0}"
  })
  void wellFormedSchemasPass(String schema) {
    assertThatCode(() -> JsonSchemaCheck.check(new JsonObject(schema))).doesNotThrowAnyException();
  }
}
