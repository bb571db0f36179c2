package dev.meridian.health;

import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.vertx.core.http.RequestOptions;

/**
 * A root span per health probe ({@code probe <model>}), marked {@link #PROBE} so the sampler gives
 * probes their own ratio, with what the probe measured; its {@code traceparent} goes to the provider.
 * {@link #OFF} creates nothing.
 */
public final class ProbeTracing {
  /** Marks probe spans when they start; the node's sampler reads it. */
  public static final AttributeKey<Boolean> PROBE = AttributeKey.booleanKey("meridian.probe");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  private static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> REGION = AttributeKey.stringKey("meridian.region");
  private static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("meridian.endpoint");
  private static final AttributeKey<String> ENDPOINT_REGION = AttributeKey.stringKey("meridian.endpoint.region");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("meridian.probe.outcome");
  private static final AttributeKey<Double> TTFT_MS = AttributeKey.doubleKey("meridian.ttft_ms");
  private static final AttributeKey<Double> TOKENS_PER_SECOND = AttributeKey.doubleKey("meridian.tokens_per_second");
  private static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("meridian.cost_usd");

  public static final ProbeTracing OFF = new ProbeTracing(null, null);

  private final Tracer tracer;
  private final String region;

  private ProbeTracing(Tracer tracer, String region) {
    this.tracer = tracer;
    this.region = region;
  }

  public static ProbeTracing of(OpenTelemetry openTelemetry, String region) {
    return new ProbeTracing(openTelemetry.getTracer("dev.meridian.health"), region);
  }

  /** Starts the span of one probe; null when off. */
  Span start(ProbeTarget target) {
    if (tracer == null) {
      return null;
    }
    var endpoint = target.endpoint();
    boolean embedding = endpoint.model().kind() == dev.meridian.core.catalog.ModelKind.EMBEDDING;
    return tracer.spanBuilder("probe " + endpoint.model().upstreamId())
        .setNoParent()
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(PROBE, true)
        .setAttribute(OPERATION, embedding ? "embeddings" : "chat")
        .setAttribute(PROVIDER, endpoint.provider().id())
        .setAttribute(REQUEST_MODEL, endpoint.model().upstreamId())
        .setAttribute(REGION, region)
        .setAttribute(ENDPOINT, endpoint.id())
        .setAttribute(ENDPOINT_REGION, endpoint.region())
        .startSpan();
  }

  /** Puts the probe span's {@code traceparent} on its request. */
  static void inject(Span span, RequestOptions request) {
    if (span != null) {
      W3CTraceContextPropagator.getInstance()
          .inject(Context.root().with(span), request, (carrier, key, value) -> carrier.putHeader(key, value));
    }
  }

  /** Ends the probe span with its result (never the provider's error text: it may echo the prompt). */
  static void end(Span span, ProbeResult result) {
    if (span == null) {
      return;
    }
    if (span.isRecording()) {
      span.setAttribute(OUTCOME, result.outcome().name().toLowerCase(java.util.Locale.ROOT));
      if (result.httpStatus() > 0) {
        span.setAttribute(HTTP_STATUS, (long) result.httpStatus());
      }
      if (Double.isFinite(result.ttftMs())) {
        span.setAttribute(TTFT_MS, result.ttftMs());
      }
      if (Double.isFinite(result.tokensPerSecond())) {
        span.setAttribute(TOKENS_PER_SECOND, result.tokensPerSecond());
      }
      span.setAttribute(INPUT_TOKENS, (long) result.promptTokens());
      span.setAttribute(OUTPUT_TOKENS, (long) result.completionTokens());
      span.setAttribute(COST_USD, result.costDollars());
      if (result.outcome() != ProbeOutcome.OK) {
        span.setAttribute(ERROR_TYPE, result.outcome().name().toLowerCase(java.util.Locale.ROOT));
        span.setStatus(StatusCode.ERROR);
      }
    }
    span.end();
  }
}
