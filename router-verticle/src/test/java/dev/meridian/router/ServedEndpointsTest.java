package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.OpenAiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The answer to a request no route took: 405, a listing of what is served, or base-URL advice. */
class ServedEndpointsTest {
  private final ServedEndpoints shared = new ServedEndpoints(true);
  private final ServedEndpoints clientOnly = new ServedEndpoints(false);

  @Test
  void anUnknownPathListsWhatIsServed() {
    OpenAiError error = clientOnly.unserved("GET", "/v1/nothing", "http", "127.0.0.1:8080");
    assertThat(error.status()).isEqualTo(404);
    assertThat(error.code()).isEqualTo("unknown_url");
    assertThat(error.message())
        .startsWith("Unknown request URL: /v1/nothing.")
        .contains("POST /v1/chat/completions")
        .contains("/v1/responses", "/v1/completions", "/v1/embeddings", "/v1/messages")
        .contains("GET /v1/models, /v1/models/{model}, /healthz, /readyz")
        .doesNotContain("/metrics");
    assertThat(shared.unserved("GET", "/v1/nothing", "http", null).message()).contains("/status.json", "/metrics");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/chat/completions", "/models", "/models/qwen/qwen3-8b", "/responses", "/embeddings", "/messages", "/completions"})
  void anApiPathWithoutV1SaysToAddV1ToTheBaseUrl(String path) {
    OpenAiError error = clientOnly.unserved("POST", path, "http", "router.internal:8080");
    assertThat(error.status()).isEqualTo(404);
    assertThat(error.message())
        .contains("set the client's base_url to http://router.internal:8080/v1")
        .contains("/v1" + path);
  }

  @Test
  void aDoubledV1SaysTheBaseUrlAlreadyHasIt() {
    OpenAiError error = clientOnly.unserved("POST", "/v1/v1/messages", "http", "localhost:8080");
    assertThat(error.status()).isEqualTo(404);
    assertThat(error.message()).contains("already ends in /v1").contains("base_url to http://localhost:8080;");
  }

  @Test
  void anOddHostHeaderIsNotEchoed() {
    OpenAiError error = clientOnly.unserved("POST", "/chat/completions", "http", "evil\"<script>");
    assertThat(error.message()).contains("http://<host>:<port>/v1").doesNotContain("evil");
    assertThat(clientOnly.unserved("POST", "/chat/completions", "http", null).message()).contains("http://<host>:<port>/v1");
  }

  @Test
  void aServedPathWithTheWrongMethodIs405() {
    assertThat(clientOnly.unserved("GET", "/v1/chat/completions", "http", null).status()).isEqualTo(405);
    assertThat(clientOnly.unserved("POST", "/v1/models", "http", null).status()).isEqualTo(405);
    assertThat(clientOnly.unserved("DELETE", "/v1/models/qwen/qwen3-8b", "http", null).status()).isEqualTo(405);
    assertThat(clientOnly.unserved("POST", "/v1/models/", "http", null).status()).isEqualTo(404);
    // Admin paths are served here only without an admin port.
    assertThat(shared.unserved("POST", "/metrics", "http", null).status()).isEqualTo(405);
    assertThat(clientOnly.unserved("POST", "/metrics", "http", null).status()).isEqualTo(404);
  }
}
