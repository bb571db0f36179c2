package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatFeaturesTest {
  static final String TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}";

  /** A request fragment, the param the 400 names, and a word of its message. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "\"n\":0|n|expected a value within 1..128",
    "\"n\":129|n|but got 129",
    "\"n\":1.5|n|expected an integer",
    "\"top_logprobs\":3|top_logprobs|'logprobs' must be set to true",
    "\"logprobs\":true,\"top_logprobs\":21|top_logprobs|within 0..20",
    "\"logprobs\":\"yes\"|logprobs|expected a boolean",
    "\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}|tool_choice|tool 'nope' not found",
    "\"tools\":[" + TOOL + "],\"tool_choice\":\"sometimes\"|tool_choice|Invalid value for 'tool_choice'",
    "\"tool_choice\":\"auto\"|tool_choice|only allowed when 'tools' are specified",
    "\"tools\":{}|tools|expected an array",
    "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"has space\"}}]|tools[0].function.name|letters, digits",
    "\"tools\":[{\"type\":\"retrieval\"}]|tools[0]|expected {\"type\": \"function\"",
    "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"dict\"}}}]|tools[0].function.parameters|'dict' is not a valid schema type",
    "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"strng\"}}}}}|response_format|'strng' is not a valid schema type",
    "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\",\"required\":[\"x\"],\"additionalProperties\":false}}}|response_format|'x' is required but not allowed",
    "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}|response_format.json_schema.name|Missing required parameter",
    "\"response_format\":{\"type\":\"json_schema\"}|response_format.json_schema|Missing required parameter",
    "\"response_format\":{\"type\":\"xml\"}|response_format.type|'xml'",
    "\"response_format\":\"json\"|response_format|expected an object",
    "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]|stop|at most 4 strings",
    "\"stop\":7|stop|a string or an array",
    "\"parallel_tool_calls\":1|parallel_tool_calls|expected a boolean",
  })
  void badValuesGetTheProvidersBadRequestNamingTheParam(String fragment, String param, String message) {
    OpenAiException e = catchThrowableOfType(OpenAiException.class,
        () -> ChatFeatures.of(new JsonObject("{" + fragment + "}")));
    assertThat(e).as("refused").isNotNull();
    OpenAiError error = e.error();
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.type()).isEqualTo(OpenAiError.INVALID_REQUEST);
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.message()).contains(message);
  }

  @Test
  void readsWhatIsValid() {
    ChatFeatures features = ChatFeatures.of(new JsonObject("{\"n\":3,\"logprobs\":true,\"top_logprobs\":2,"
        + "\"tools\":[" + TOOL + "],\"tool_choice\":\"required\",\"parallel_tool_calls\":false,"
        + "\"response_format\":{\"type\":\"json_object\"},\"stop\":[\"END\",\"\"]}"));
    assertThat(features.n()).isEqualTo(3);
    assertThat(features.logprobs()).isTrue();
    assertThat(features.topLogprobs()).isEqualTo(2);
    assertThat(features.tools()).extracting(ChatFeatures.Tool::name).containsExactly("lookup");
    assertThat(features.toolChoice()).isEqualTo(ChatFeatures.ToolChoice.REQUIRED);
    assertThat(features.parallelToolCalls()).isFalse();
    assertThat(features.structured()).isTrue();
    assertThat(features.stop()).containsExactly("END");

    ChatFeatures plain = ChatFeatures.of(new JsonObject("{\"stop\":\"x\",\"n\":null,\"response_format\":{\"type\":\"text\"}}"));
    assertThat(plain.n()).isEqualTo(1);
    assertThat(plain.structured()).isFalse();
    assertThat(plain.stop()).isEqualTo(List.of("x"));
    assertThat(plain.toolChoice()).isEqualTo(ChatFeatures.ToolChoice.NONE);
    assertThat(ChatFeatures.of(new JsonObject("{\"tools\":[" + TOOL + "]}")).toolChoice())
        .isEqualTo(ChatFeatures.ToolChoice.AUTO);
  }
}
