package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ModelSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Scrapes /metrics after traffic and checks the series that traffic must have produced. */
class MetricsTest extends RouterTestBase {

  @Test
  void trafficShowsUpAsCountsLatenciesTokensAndCostEqualToTokensTimesPrice() throws Exception {
    observe("glm-5", "us-east", 100);
    observe("glm-5", "eu-west", 200);
    Reply json = post("/v1/chat/completions", chat("glm-5", false).encode());
    Reply stream = post("/v1/chat/completions", chat("glm-5", true).encode());
    assertThat(json.status()).isEqualTo(200);
    assertThat(stream.status()).isEqualTo(200);
    // The stream carried no usage event: the client did not ask for one, though Meridian did.
    assertThat(stream.body().toString()).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
    assertThat(post("/v1/chat/completions", "{\"model\":\"glm-5\"}").status()).isEqualTo(400);
    awaitCondition(Duration.ofSeconds(5), () -> liveValue("meridian_requests_total", "outcome=\"client_error\"") == 1.0);

    String text = scrape();
    assertThat(valueIn(text, "meridian_requests_total", "model=\"glm-5\"", "outcome=\"ok\"", "region=\"us-east\"")).isEqualTo(2.0);
    assertThat(valueIn(text, "meridian_ttft_seconds_count", "model=\"glm-5\"")).isEqualTo(2.0);
    assertThat(valueIn(text, "meridian_request_duration_seconds_count", "streamed=\"true\"")).isEqualTo(1.0);
    assertThat(text).contains("meridian_ttft_seconds_bucket{").contains("le=\"0.4\"");
    assertThat(valueIn(text, "meridian_router_overhead_seconds_count")).isEqualTo(2.0);

    // JSON response: cost header from the provider's usage; stream: the same in trailers.
    long prompt = Long.parseLong(json.header(ExchangeDriver.PROMPT_TOKENS_HEADER));
    long completion = Long.parseLong(json.header(ExchangeDriver.COMPLETION_TOKENS_HEADER));
    JsonObject usage = json.json().getJsonObject("usage");
    assertThat(prompt).isEqualTo(usage.getLong("prompt_tokens"));
    assertThat(completion).isEqualTo(usage.getLong("completion_tokens"));
    assertThat(json.header(ExchangeDriver.USAGE_SOURCE_HEADER)).isEqualTo("provider");

    double input = valueIn(text, "meridian_tokens_total", "direction=\"input\"", "source=\"usage\"");
    double output = valueIn(text, "meridian_tokens_total", "direction=\"output\"", "source=\"usage\"");
    assertThat(output).isEqualTo(2.0 * completion);
    ModelSpec glm = catalog.model("glm-5");
    double expected = input * glm.inputDollarsPerMillion() / 1e6 + output * glm.outputDollarsPerMillion() / 1e6;
    double cost = valueIn(text, "meridian_cost_dollars_total", "model=\"glm-5\"");
    assertThat(cost).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Double.parseDouble(json.header(ExchangeDriver.COST_HEADER))).isCloseTo(expected / 2, org.assertj.core.data.Offset.offset(1e-8));
  }

  @Test
  void failuresFallbacksAndBreakersAreCounted() throws Exception {
    observe("qwen3-32b", "us-east", 100);
    observe("qwen3-32b", "eu-west", 200);
    fault("qwen3-32b", "us-east", new JsonObject().put("errorRate", 1.0));
    for (int i = 0; i < 5; i++) {
      assertThat(post("/v1/chat/completions", chat("qwen3-32b", false).encode()).status()).isEqualTo(200);
    }
    awaitCondition(Duration.ofSeconds(5),
        () -> liveValue("meridian_breaker_state", "model=\"qwen3-32b\"", "region=\"us-east\"") == 1.0);
    String text = scrape();
    assertThat(valueIn(text, "meridian_upstream_errors_total", "region=\"us-east\"", "kind=\"http_5xx\"")).isEqualTo(5.0);
    assertThat(valueIn(text, "meridian_fallbacks_total", "model=\"qwen3-32b\"")).isEqualTo(5.0);
    assertThat(valueIn(text, "meridian_retries_total", "result=\"attempted\"")).isEqualTo(5.0);
  }

  @Test
  void eachSurfaceHasItsOwnRequestSeries() throws Exception {
    observe("glm-5", "us-east", 100);
    assertThat(post("/v1/chat/completions", chat("glm-5", false).encode()).status()).isEqualTo(200);
    JsonObject message = new JsonObject().put("model", "glm-5").put("max_tokens", 16)
        .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    Reply messages = send(HttpMethod.POST, "/v1/messages", Buffer.buffer(message.encode()),
        Map.of("anthropic-version", "2023-06-01"));
    assertThat(messages.status()).isEqualTo(200);
    assertThat(post("/v1/messages", "{").status()).isEqualTo(400);
    awaitCondition(Duration.ofSeconds(5),
        () -> liveValue("meridian_requests_total", "api=\"messages\"", "outcome=\"client_error\"") == 1.0);

    String text = scrape();
    assertThat(valueIn(text, "meridian_requests_total", "api=\"chat_completions\"", "model=\"glm-5\"", "outcome=\"ok\"")).isEqualTo(1.0);
    assertThat(valueIn(text, "meridian_requests_total", "api=\"messages\"", "model=\"glm-5\"", "outcome=\"ok\"")).isEqualTo(1.0);
    assertThat(valueIn(text, "meridian_ttft_seconds_count", "api=\"messages\"")).isEqualTo(1.0);
    assertThat(valueIn(text, "meridian_request_duration_seconds_count", "api=\"chat_completions\"")).isEqualTo(1.0);
  }

  @Test
  void unknownModelsDoNotCreateNewLabelValues() throws Exception {
    for (int i = 0; i < 3; i++) {
      post("/v1/chat/completions", chat("made-up-model-" + i, false).encode());
    }
    awaitCondition(Duration.ofSeconds(5), () -> liveValue("meridian_requests_total", "model=\"other\"") == 3.0);
    assertThat(scrape()).doesNotContain("made-up-model");
  }

  private String scrape() throws Exception {
    Reply reply = send(HttpMethod.GET, "/metrics", null, Map.of());
    assertThat(reply.status()).isEqualTo(200);
    return reply.body().toString();
  }

  private double liveValue(String metric, String... labels) {
    try {
      return valueIn(scrape(), metric, labels);
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /** Sum of the samples of {@code metric} whose labels contain all of {@code labels}. */
  private static double valueIn(String text, String metric, String... labels) {
    double sum = 0;
    boolean found = false;
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
    while (line.find()) {
      String labelText = line.group(1) == null ? "" : line.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= labelText.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(line.group(2));
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }
}
