package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad request gets an OpenAI-format error with the right status, and the router keeps serving. */
class BadInputTest extends RouterTestBase {

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"model\":\"glm-5\",", 400, "invalid_json"),
        Arguments.of("empty body", "", 400, "invalid_json"),
        Arguments.of("array body", "[1,2]", 400, "invalid_json"),
        Arguments.of("missing messages", "{\"model\":\"glm-5\"}", 400, "missing_required_parameter"),
        Arguments.of("empty messages", "{\"model\":\"glm-5\",\"messages\":[]}", 400, "empty_array"),
        Arguments.of("messages not an array", "{\"model\":\"glm-5\",\"messages\":\"hi\"}", 400, "invalid_type"),
        Arguments.of("model not a string", "{\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_type"),
        Arguments.of("missing model", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "missing_required_parameter"),
        Arguments.of("stream not boolean", "{\"model\":\"glm-5\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_type"),
        Arguments.of("bad role", "{\"model\":\"glm-5\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", 400, "invalid_value"),
        Arguments.of("unknown model", "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 404, "model_not_found"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badBodyGetsAnOpenAiError(String name, String body, int status, String code) throws Exception {
    Reply reply = post("/v1/chat/completions", body);
    assertOpenAiError(reply, status, code);
    assertStillServing();
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    String huge = "x".repeat(70 * 1024);
    Reply reply = post("/v1/chat/completions",
        chat("glm-5", false).put("messages", new io.vertx.core.json.JsonArray().add(
            new JsonObject().put("role", "user").put("content", huge))).encode());
    assertOpenAiError(reply, 413, "request_too_large");
    assertStillServing();
  }

  @Test
  void modelWithNoHealthyEndpointIs503() throws Exception {
    for (String region : new String[] {"us-east", "eu-west", "ap-southeast"}) {
      observeDown("minimax-m2.5", region);
    }
    Reply reply = post("/v1/chat/completions", chat("minimax-m2.5", false).encode());
    assertOpenAiError(reply, 503, "no_healthy_endpoint");
    assertStillServing();
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() throws Exception {
    assertOpenAiError(send(HttpMethod.GET, "/v1/nothing", null, Map.of()), 404, "unknown_url");
    assertOpenAiError(send(HttpMethod.GET, "/v1/chat/completions", null, Map.of()), 405, "method_not_allowed");
    assertOpenAiError(send(HttpMethod.DELETE, "/v1/models/glm-5", null, Map.of()), 405, "method_not_allowed");
  }

  @Test
  void unknownPathSaysWhatIsServed() throws Exception {
    Reply reply = send(HttpMethod.GET, "/v1/nothing", null, Map.of());
    assertOpenAiError(reply, 404, "unknown_url");
    assertThat(reply.json().getJsonObject("error").getString("message"))
        .contains("POST /v1/chat/completions").contains("GET /v1/models");
  }

  @Test
  void aPathWithoutV1SaysToAddItToTheBaseUrl() throws Exception {
    Reply reply = post("/chat/completions", chat("glm-5", false).encode());
    assertOpenAiError(reply, 404, "unknown_url");
    assertThat(reply.json().getJsonObject("error").getString("message"))
        .contains("base_url to http://127.0.0.1:" + router.actualPort() + "/v1");
    assertOpenAiError(send(HttpMethod.GET, "/models", null, Map.of()), 404, "unknown_url");
  }

  private void assertOpenAiError(Reply reply, int status, String code) {
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.header("content-type")).startsWith("application/json");
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error).isNotNull();
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("type")).isNotBlank();
    assertThat(error.getString("code")).isEqualTo(code);
  }

  private void assertStillServing() throws Exception {
    observe("qwen3-8b", "us-east", 150);
    Reply ok = post("/v1/chat/completions", chat("qwen3-8b", false).encode());
    assertThat(ok.status()).isEqualTo(200);
  }
}
