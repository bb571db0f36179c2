package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.router.trace.RequestTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Spans through the router, exported in memory: a request that fails over once is a server span
 * continuing the client's traceparent with an attempt span per endpoint, each with its outcome, and the
 * provider receives the serving attempt's traceparent. An unsampled parent records nothing but still
 * propagates; a refusal is a server span without attempts.
 */
class RequestTracingTest extends RouterTestBase {
  static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CLIENT_SPAN = "00f067aa0ba902b7";
  final InMemorySpanExporter spans = InMemorySpanExporter.create();

  @Override
  RequestTracing tracing() {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
        .addSpanProcessor(SimpleSpanProcessor.create(spans))
        .build();
    return RequestTracing.of(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), REGION);
  }

  private Reply ask(String traceparent) throws Exception {
    return send(HttpMethod.POST, "/v1/chat/completions", chat("deepseek-v4-flash", false).toBuffer(),
        traceparent == null ? Map.of() : Map.of("traceparent", traceparent));
  }

  private List<SpanData> awaitSpans(int count) throws Exception {
    awaitCondition(Duration.ofSeconds(5), () -> spans.getFinishedSpanItems().size() >= count);
    return spans.getFinishedSpanItems();
  }

  private static <T> T attr(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  @Test
  void aRequestThatFailsOverOnceIsAServerSpanWithTwoAttemptSpans() throws Exception {
    observe("deepseek-v4-flash", "us-east", 50);
    observe("deepseek-v4-flash", "eu-west", 150);
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("errorRate", 1.0).put("errorStatus", 503));

    Reply reply = ask("00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("x-meridian-trace-id")).isEqualTo(CLIENT_TRACE);

    List<SpanData> all = awaitSpans(3);
    SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    List<SpanData> attempts = all.stream().filter(s -> s.getKind() == SpanKind.CLIENT)
        .sorted(Comparator.comparing(SpanData::getStartEpochNanos)).toList();
    assertThat(all).hasSize(3);

    assertThat(server.getName()).isEqualTo("POST /v1/chat/completions");
    assertThat(server.getTraceId()).isEqualTo(CLIENT_TRACE);
    assertThat(server.getParentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(attr(server, AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
    assertThat(attr(server, AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("deepseek-v4-flash");
    assertThat(attr(server, AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("deepseek-v4-flash");
    assertThat(attr(server, AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("deepseek");
    assertThat(attr(server, AttributeKey.longKey("gen_ai.usage.output_tokens"))).isPositive();
    assertThat(attr(server, AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(attr(server, AttributeKey.stringKey("meridian.region"))).isEqualTo(REGION);
    assertThat(attr(server, AttributeKey.stringKey("meridian.endpoint.region"))).isEqualTo("eu-west");
    assertThat(attr(server, AttributeKey.stringKey("meridian.route.reason"))).isEqualTo(reply.header("x-meridian-route-reason"));
    assertThat(attr(server, AttributeKey.stringKey("meridian.request_id"))).isEqualTo(reply.header("x-request-id"));
    assertThat(attr(server, AttributeKey.longKey("meridian.attempts"))).isEqualTo(2L);
    assertThat(attr(server, AttributeKey.doubleKey("meridian.cost_usd"))).isPositive();
    assertThat(attr(server, AttributeKey.doubleKey("meridian.ttft_ms"))).isPositive();
    assertThat(server.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);

    SpanData failed = attempts.get(0);
    SpanData served = attempts.get(1);
    for (SpanData attempt : attempts) {
      assertThat(attempt.getParentSpanId()).isEqualTo(server.getSpanId());
      assertThat(attempt.getName()).isEqualTo("chat deepseek-v4-flash");
      assertThat(attr(attempt, AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("deepseek");
      assertThat(attr(attempt, AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
    }
    assertThat(attr(failed, AttributeKey.stringKey("meridian.endpoint"))).isEqualTo("deepseek-v4-flash@us-east");
    assertThat(attr(failed, AttributeKey.stringKey("meridian.attempt.kind"))).isEqualTo("primary");
    assertThat(attr(failed, AttributeKey.stringKey("meridian.attempt.outcome"))).isEqualTo("http_5xx");
    assertThat(attr(failed, AttributeKey.longKey("http.response.status_code"))).isEqualTo(503L);
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(served, AttributeKey.stringKey("meridian.endpoint"))).isEqualTo("deepseek-v4-flash@eu-west");
    assertThat(attr(served, AttributeKey.stringKey("meridian.attempt.kind"))).isEqualTo("retry");
    assertThat(attr(served, AttributeKey.stringKey("meridian.attempt.outcome"))).isEqualTo("ok");
    assertThat(attr(served, AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
    assertThat(attr(served, AttributeKey.longKey("gen_ai.usage.output_tokens")))
        .isEqualTo(attr(server, AttributeKey.longKey("gen_ai.usage.output_tokens")));
    assertThat(served.getEvents()).extracting(e -> e.getName()).contains("first_token");

    // The provider saw the serving attempt's span as its parent, in the client's trace.
    JsonObject stats = simulatorAdmin(HttpMethod.GET, "/admin/stats", null);
    assertThat(stats.getJsonObject("deepseek-v4-flash@eu-west").getString("lastTraceparent"))
        .isEqualTo("00-" + CLIENT_TRACE + "-" + served.getSpanId() + "-01");
    assertThat(stats.getJsonObject("deepseek-v4-flash@us-east").getString("lastTraceparent"))
        .isEqualTo("00-" + CLIENT_TRACE + "-" + failed.getSpanId() + "-01");

    // Neither the prompt nor any key is in any span.
    for (SpanData span : all) {
      assertThat(span.getAttributes().toString()).doesNotContain("recursion").doesNotContain("Bearer");
    }
    assertThat(lastExchange.get().traceId()).isEqualTo(CLIENT_TRACE);
  }

  @Test
  void anUnsampledParentRecordsNothingButStillPropagates() throws Exception {
    observe("deepseek-v4-flash", "us-east", 50);
    Reply reply = ask("00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-00");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("x-meridian-trace-id")).isNull();
    awaitExchange(r -> "ok".equals(r.outcome()));
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(lastExchange.get().traceId()).isNull();
    String upstream = simulatorAdmin(HttpMethod.GET, "/admin/stats", null)
        .getJsonObject("deepseek-v4-flash@us-east").getString("lastTraceparent");
    assertThat(upstream).startsWith("00-" + CLIENT_TRACE + "-").endsWith("-00").doesNotContain(CLIENT_SPAN);
  }

  @Test
  void aRequestWithoutTraceparentStartsATrace() throws Exception {
    observe("deepseek-v4-flash", "us-east", 50);
    Reply reply = ask(null);
    assertThat(reply.status()).isEqualTo(200);
    List<SpanData> all = awaitSpans(2);
    SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(server.getParentSpanContext().isValid()).isFalse();
    assertThat(reply.header("x-meridian-trace-id")).isEqualTo(server.getTraceId());
  }

  @Test
  void aRefusalIsAServerSpanWithoutAttempts() throws Exception {
    Reply reply = send(HttpMethod.POST, "/v1/chat/completions",
        chat("no-such-model", false).toBuffer(), Map.of());
    assertThat(reply.status()).isEqualTo(404);
    List<SpanData> all = awaitSpans(1);
    assertThat(all).hasSize(1);
    SpanData server = all.get(0);
    assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(attr(server, AttributeKey.longKey("http.response.status_code"))).isEqualTo(404L);
    assertThat(attr(server, AttributeKey.stringKey("meridian.outcome"))).isEqualTo("client_error");
    assertThat(attr(server, AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("no-such-model");
    // A client's mistake is not the router's error.
    assertThat(server.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
  }
}
