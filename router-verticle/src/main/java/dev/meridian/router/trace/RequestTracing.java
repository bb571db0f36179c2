package dev.meridian.router.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.http.HttpServerRequest;

/**
 * Starts the trace of each client request: a server span continuing the client's W3C
 * {@code traceparent}, under which each upstream attempt gets a client span ({@link ExchangeTrace}).
 * {@link #OFF} creates nothing: a request then costs one header read, to pass a client's
 * {@code traceparent} on to the provider unchanged, as a proxy that does not trace should.
 *
 * <p>Only the W3C trace context crosses Meridian, in both directions: baggage is neither read nor sent
 * upstream, since it may carry a client's own data to a third party.
 */
public final class RequestTracing {
  /** No spans; {@code traceparent} passed through. */
  public static final RequestTracing OFF = new RequestTracing(null, null);

  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  private static final int MAX_TRACESTATE_CHARS = 512;

  private final Tracer tracer;
  private final String region;
  final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

  private RequestTracing(Tracer tracer, String region) {
    this.tracer = tracer;
    this.region = region;
  }

  /** Traces with {@code openTelemetry}'s tracer provider (its sampler decides which requests record). */
  public static RequestTracing of(OpenTelemetry openTelemetry, String region) {
    return new RequestTracing(openTelemetry.getTracer("dev.meridian.router"), region);
  }

  public boolean enabled() {
    return tracer != null;
  }

  /**
   * The trace of one request that has just arrived on {@code route} (a surface's path), whose attempts
   * perform {@code operation} ({@code gen_ai.operation.name}).
   */
  public ExchangeTrace start(HttpServerRequest request, String route, String operation) {
    if (tracer == null) {
      String traceparent = request.getHeader(TRACEPARENT);
      if (traceparent == null || !isTraceparent(traceparent)) {
        return ExchangeTrace.NONE;
      }
      String tracestate = request.getHeader(TRACESTATE);
      return ExchangeTrace.passThrough(
          traceparent, tracestate != null && tracestate.length() <= MAX_TRACESTATE_CHARS ? tracestate : null);
    }
    Context parent = propagator.extract(Context.root(), request, SERVER_HEADERS);
    Span server =
        tracer.spanBuilder("POST " + route)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(GenAiAttributes.HTTP_METHOD, "POST")
            .setAttribute(GenAiAttributes.HTTP_ROUTE, route)
            .setAttribute(GenAiAttributes.OPERATION, operation)
            .setAttribute(GenAiAttributes.REGION, region)
            .startSpan();
    return new ExchangeTrace(this, server, operation);
  }

  Tracer tracer() {
    return tracer;
  }

  /**
   * A version-00 {@code traceparent}: {@code 00-<32 hex>-<16 hex>-<2 hex>}. Anything else a client sends
   * is not forwarded, so the header cannot carry other text to a provider.
   */
  static boolean isTraceparent(String value) {
    if (value.length() != 55 || value.charAt(0) != '0' || value.charAt(1) != '0' || value.charAt(2) != '-'
        || value.charAt(35) != '-' || value.charAt(52) != '-') {
      return false;
    }
    for (int i = 3; i < 55; i++) {
      if (i == 35 || i == 52) {
        continue;
      }
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static final TextMapGetter<HttpServerRequest> SERVER_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest carrier) {
          return carrier.headers().names();
        }

        @Override
        public String get(HttpServerRequest carrier, String key) {
          return carrier == null ? null : carrier.getHeader(key);
        }
      };
}
