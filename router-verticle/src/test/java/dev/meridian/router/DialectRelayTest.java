package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.cost.CostCalculator;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.stream.ChatStreamEvent;
import dev.meridian.core.stream.SseFrame;
import dev.meridian.core.stream.SseFramer;
import dev.meridian.simulator.SimulatorOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every simulator dialect through the real router, JSON and streamed, with and without {@code
 * stream_options.include_usage}. The reference is the same request sent straight to the simulated
 * endpoint (as the router sends it, usage asked for): the client must get exactly those events, byte for
 * byte, minus the usage event it did not ask for; and the cost headers or trailers must carry the
 * provider's usage (cached tokens included) where it reports one, an estimate where it does not.
 */
class DialectRelayTest extends RouterTestBase {
  static final String SYSTEM = "You are a careful assistant. ".repeat(8);
  /**
   * What the endpoint's prompt cache serves once it has seen the system prompt (each test sends the
   * request once straight to the endpoint first, so the routed and the direct call both hit it).
   */
  static final long CACHED = SYSTEM.length() / 4;
  static final String CASES = """
      qwen3-8b          | compact           | provider  | true
      hunyuan-turbos    | openai            | provider  | true
      deepseek-v4-flash | deepseek          | provider  | true
      deepseek-r1       | deepseek          | provider  | true
      step-3.5-flash    | pretty            | provider  | true
      kimi-k2.5         | final-chunk-usage | provider  | true
      doubao-seed-lite  | crlf-events       | provider  | true
      glm-4-32b         | no-stream-usage   | estimated | true
      """;

  @Override
  SimulatorOptions simulatorOptions() {
    return super.simulatorOptions().setDialects(SimulatorOptions.REALISTIC_DIALECTS + ",zhipu=no-stream-usage");
  }

  /** A response with its trailers. */
  record Seen(int status, MultiMap headers, String body, MultiMap trailers) {}

  @ParameterizedTest(name = "{0} ({1}), whole")
  @CsvSource(delimiter = '|', textBlock = CASES)
  void wholeAnswersCarryTheProvidersUsage(String model, String dialect, String streamSource, boolean cached)
      throws Exception {
    observe(model, REGION, 100);
    direct(model, body(model, false, false)); // the endpoint's prompt cache now holds the system prompt
    Seen seen = call(router.actualPort(), "/v1/chat/completions", body(model, false, false));
    assertThat(seen.status()).isEqualTo(200);
    JsonObject completion = new JsonObject(seen.body());
    Seen direct = direct(model, body(model, false, false));
    assertThat(normalised(seen.body(), completion)).as("the provider's bytes, unchanged")
        .isEqualTo(normalised(direct.body(), new JsonObject(direct.body())));
    Usage usage = Usage.fromJson(completion.getJsonObject("usage"));
    assertCost(seen.headers(), model, usage, "provider");
    assertRecorded(model, usage.promptTokens(), cached);
  }

  @ParameterizedTest(name = "{0} ({1}), streamed, include_usage {4}")
  @CsvSource(delimiter = '|', textBlock = """
      qwen3-8b          | compact           | provider  | true  | false
      qwen3-8b          | compact           | provider  | true  | true
      hunyuan-turbos    | openai            | provider  | true  | false
      hunyuan-turbos    | openai            | provider  | true  | true
      deepseek-v4-flash | deepseek          | provider  | true  | false
      deepseek-r1       | deepseek          | provider  | true  | true
      step-3.5-flash    | pretty            | provider  | true  | false
      step-3.5-flash    | pretty            | provider  | true  | true
      kimi-k2.5         | final-chunk-usage | provider  | true  | false
      kimi-k2.5         | final-chunk-usage | provider  | true  | true
      doubao-seed-lite  | crlf-events       | provider  | true  | false
      doubao-seed-lite  | crlf-events       | provider  | true  | true
      glm-4-32b         | no-stream-usage   | estimated | true  | false
      glm-4-32b         | no-stream-usage   | estimated | true  | true
      """)
  void streamsCarryEveryEventAskedForAndNoOther(
      String model, String dialect, String source, boolean cached, boolean includeUsage) throws Exception {
    observe(model, REGION, 100);
    direct(model, body(model, false, false)); // the endpoint's prompt cache now holds the system prompt
    Seen seen = call(router.actualPort(), "/v1/chat/completions", body(model, true, includeUsage));
    assertThat(seen.status()).isEqualTo(200);
    // What the router asked the provider for: usage, always.
    Seen direct = direct(model, body(model, true, true));

    List<SseFrame> upstream = frames(direct.body());
    List<String> expected = new ArrayList<>();
    Usage reported = null;
    for (SseFrame frame : upstream) {
      ChatStreamEvent event = ChatStreamEvent.of(frame);
      reported = event.usage() != null ? event.usage() : reported;
      if (event.kind() != ChatStreamEvent.Kind.USAGE_ONLY || includeUsage) {
        expected.add(normalised(frame));
      }
    }
    List<String> received = frames(seen.body()).stream().map(DialectRelayTest::normalised).toList();
    assertThat(received).as("every upstream event the client asked for, unchanged, and no other")
        .containsExactlyElementsOf(expected);
    assertThat(received.get(received.size() - 1)).contains("[DONE]");

    if (source.equals("provider")) {
      assertThat(reported).as("the provider reported usage").isNotNull();
      assertCost(seen.trailers(), model, reported, "provider");
      assertRecorded(model, reported.promptTokens(), cached);
    } else {
      assertThat(reported).isNull();
      long estimated = Long.parseLong(seen.trailers().get(ExchangeDriver.COMPLETION_TOKENS_HEADER));
      assertThat(estimated).isPositive();
      assertCost(seen.trailers(), model, new Usage(
          Long.parseLong(seen.trailers().get(ExchangeDriver.PROMPT_TOKENS_HEADER)), estimated, true), "estimated");
    }
  }

  /** An upstream error event mid-stream, in OpenAI's shape and in two others, reaches the client as sent. */
  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource(delimiter = '|', textBlock = """
      qwen3-8b          | compact     | {"error":{
      hunyuan-turbos    | openai      | {"error":{
      step-3.5-flash    | pretty      | {"object": "error",
      doubao-seed-lite  | crlf-events | event: error
      """)
  void anUpstreamErrorEventMidStreamEndsTheClientsStream(String model, String dialect, String shape) throws Exception {
    observe(model, REGION, 100);
    fault(model, REGION, new JsonObject().put("errorAfterChunks", 3));
    Seen seen = call(router.actualPort(), "/v1/chat/completions", body(model, true, false));
    assertThat(seen.status()).isEqualTo(200);
    List<SseFrame> received = frames(seen.body()).stream().filter(f -> f.data() != null).toList();
    assertThat(received).hasSize(4);
    for (SseFrame chunk : received.subList(0, 3)) {
      assertThat(ChatStreamEvent.of(chunk).kind()).isEqualTo(ChatStreamEvent.Kind.CHUNK);
    }
    SseFrame error = received.get(3);
    assertThat(ChatStreamEvent.of(error).kind()).isEqualTo(ChatStreamEvent.Kind.ERROR);
    assertThat(error.text()).contains(shape);
    assertThat(seen.body()).doesNotContain("[DONE]");
    // No usage came: the bill is Meridian's estimate of what was streamed.
    assertThat(seen.trailers().get(ExchangeDriver.USAGE_SOURCE_HEADER)).isEqualTo("estimated");
    assertThat(Long.parseLong(seen.trailers().get(ExchangeDriver.COMPLETION_TOKENS_HEADER))).isPositive();
    // Even when the provider closes the stream cleanly after its error event, the exchange is a failure.
    ExchangeRecord record = awaitExchange(r -> r.endpoint() != null && r.endpoint().model().id().equals(model));
    assertThat(record.outcome()).isEqualTo("stream_broken");
  }

  private void assertCost(MultiMap headers, String model, Usage usage, String source) {
    assertThat(headers.get(ExchangeDriver.USAGE_SOURCE_HEADER)).isEqualTo(source);
    assertThat(headers.get(ExchangeDriver.PROMPT_TOKENS_HEADER)).isEqualTo(Long.toString(usage.promptTokens()));
    assertThat(headers.get(ExchangeDriver.COMPLETION_TOKENS_HEADER)).isEqualTo(Long.toString(usage.completionTokens()));
    // Cached input at the catalog's cached price.
    double dollars = CostCalculator.dollars(catalog.model(model), usage);
    assertThat(Double.parseDouble(headers.get(ExchangeDriver.COST_HEADER))).isPositive().isCloseTo(dollars, within(1e-8));
  }

  /** The exchange record keeps the provider's cached prompt tokens where the dialect reports them. */
  private void assertRecorded(String model, long promptTokens, boolean cached) throws Exception {
    ExchangeRecord record = awaitExchange(r -> r.endpoint() != null && r.endpoint().model().id().equals(model));
    assertThat(record.usage().estimated()).isFalse();
    assertThat(record.usage().promptTokens()).isEqualTo(promptTokens);
    assertThat(record.usage().cachedPromptTokens()).isEqualTo(cached ? CACHED : 0);
    if (catalog.model(model).isReasoning()) {
      assertThat(record.usage().reasoningTokens()).isPositive();
    }
  }

  static JsonObject body(String model, boolean stream, boolean includeUsage) {
    JsonObject body = new JsonObject().put("model", model).put("max_tokens", 12)
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", SYSTEM))
            .add(new JsonObject().put("role", "user").put("content", "Explain recursion")));
    if (stream) {
      body.put("stream", true);
    }
    if (includeUsage) {
      body.put("stream_options", new JsonObject().put("include_usage", true));
    }
    return body;
  }

  /** The request sent straight to the simulated endpoint the router picks, under its upstream model name. */
  Seen direct(String model, JsonObject body) throws Exception {
    ModelSpec spec = catalog.model(model);
    String url = catalog.endpoint(model, REGION).upstreamUrl();
    return exchange(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url),
        body.copy().put("model", spec.upstreamId()));
  }

  Seen call(int port, String path, JsonObject body) throws Exception {
    return exchange(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(path),
        body);
  }

  private Seen exchange(RequestOptions options, JsonObject body) throws Exception {
    options.putHeader("content-type", "application/json");
    return onContext(() -> client.request(options)
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(bytes ->
            new Seen(response.statusCode(), response.headers(), bytes.toString(), response.trailers()))));
  }

  static List<SseFrame> frames(String body) {
    SseFramer framer = new SseFramer();
    List<SseFrame> frames = new ArrayList<>(framer.feed(Buffer.buffer(body)).frames());
    frames.addAll(framer.finish().frames());
    return frames;
  }

  /** The event's bytes with the per-request id and timestamp (read from its parsed data) blanked. */
  static String normalised(SseFrame frame) {
    if (frame.data() == null || !frame.data().startsWith("{")) {
      return frame.text();
    }
    return normalised(frame.text(), new JsonObject(frame.data()));
  }

  static String normalised(String text, JsonObject parsed) {
    String out = text;
    if (parsed.getValue("id") instanceof String id) {
      out = out.replace(id, "<id>");
    }
    if (parsed.getValue("created") instanceof Number created) {
      out = out.replace(created.toString(), "<created>");
    }
    return out;
  }
}
