package dev.meridian.core.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per rule of {@link EmbeddingsRequest}: what is accepted, what is refused and which param it names. */
class EmbeddingsRequestTest {
  static Stream<Arguments> accepted() {
    return Stream.of(
        // body, inputs, estimated tokens
        Arguments.of("{\"model\":\"e\",\"input\":\"abcdefgh\"}", 1, 2L),
        Arguments.of("{\"model\":\"e\",\"input\":[\"abcd\",\"efgh\",\"ijkl\"]}", 3, 3L),
        Arguments.of("{\"model\":\"e\",\"input\":[1,2,3,4,5]}", 1, 5L),
        Arguments.of("{\"model\":\"e\",\"input\":[[1,2],[3,4,5]]}", 2, 5L),
        Arguments.of("{\"model\":\"e\",\"input\":\"x\",\"encoding_format\":\"base64\",\"dimensions\":256,\"user\":\"u\"}", 1, 1L),
        Arguments.of("{\"model\":\"e\",\"input\":\"x\",\"encoding_format\":\"float\",\"extra\":{\"kept\":true}}", 1, 1L));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("accepted")
  void acceptedRequestsAreCountedAndKeptWhole(String body, int inputs, long tokens) {
    EmbeddingsRequest request = EmbeddingsRequest.parse(body);
    assertThat(request.model()).isEqualTo("e");
    assertThat(request.inputs()).isEqualTo(inputs);
    assertThat(request.estimatedTokens()).isEqualTo(tokens);
    assertThat(request.body().encode()).as("passed through as sent").isEqualTo(new io.vertx.core.json.JsonObject(body).encode());
  }

  static Stream<Arguments> refused() {
    String many = "[" + "\"a\",".repeat(EmbeddingsRequest.MAX_INPUTS) + "\"a\"]";
    return Stream.of(
        // body, param, code
        Arguments.of("{\"input\":\"x\"}", "model", "missing_model"),
        Arguments.of("{\"model\":\"\",\"input\":\"x\"}", "model", "missing_model"),
        Arguments.of("{\"model\":7,\"input\":\"x\"}", "model", "missing_model"),
        Arguments.of("{\"model\":\"e\"}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":\"\"}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":[]}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":{\"text\":\"x\"}}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":[\"a\",\"\"]}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":[\"a\",1]}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":[1,-2]}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":[1,2.5]}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":[[1],[]]}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":[[1],\"a\"]}", "input", "invalid_input"),
        Arguments.of("{\"model\":\"e\",\"input\":" + many + "}", "input", "too_many_inputs"),
        Arguments.of("{\"model\":\"e\",\"input\":\"x\",\"encoding_format\":\"int8\"}", "encoding_format", "invalid_encoding_format"),
        Arguments.of("{\"model\":\"e\",\"input\":\"x\",\"dimensions\":0}", "dimensions", "invalid_dimensions"),
        Arguments.of("{\"model\":\"e\",\"input\":\"x\",\"dimensions\":\"256\"}", "dimensions", "invalid_dimensions"),
        Arguments.of("{\"model\":\"e\",\"input\":\"x\",\"dimensions\":1.5}", "dimensions", "invalid_dimensions"),
        Arguments.of("{\"model\":\"e\",\"input\":\"x\",\"user\":5}", "user", "invalid_user"),
        Arguments.of("[\"model\"]", null, "invalid_json"),
        Arguments.of("", null, "invalid_json"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("refused")
  void refusedRequestsAre400sNamingTheParam(String body, String param, String code) {
    assertThatThrownBy(() -> EmbeddingsRequest.parse(body))
        .isInstanceOfSatisfying(OpenAiException.class, e -> {
          assertThat(e.error().status()).isEqualTo(400);
          assertThat(e.error().param()).isEqualTo(param);
          assertThat(e.error().code()).isEqualTo(code);
        });
  }
}
