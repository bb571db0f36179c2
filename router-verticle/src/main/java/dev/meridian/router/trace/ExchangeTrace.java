package dev.meridian.router.trace;

import dev.meridian.core.catalog.Endpoint;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.http.HttpClientRequest;

/**
 * The trace of one client request: its server span, the attempts' client spans under it, and what is
 * sent upstream as {@code traceparent}. Used on the request's event loop only. Spans that the sampler
 * did not record are never given attributes, so an unsampled request costs span ids and no more.
 */
public final class ExchangeTrace {
  /** No trace, and no client {@code traceparent} to pass on. */
  public static final ExchangeTrace NONE = new ExchangeTrace(null, null, null, null, null);

  private final RequestTracing tracing;
  private final Span server;
  private final String operation;
  /** The client's own headers, forwarded unchanged when Meridian does not trace. */
  private final String traceparent;
  private final String tracestate;
  private boolean ended;

  ExchangeTrace(RequestTracing tracing, Span server, String operation) {
    this(tracing, server, operation, null, null);
  }

  private ExchangeTrace(RequestTracing tracing, Span server, String operation, String traceparent, String tracestate) {
    this.tracing = tracing;
    this.server = server;
    this.operation = operation;
    this.traceparent = traceparent;
    this.tracestate = tracestate;
  }

  static ExchangeTrace passThrough(String traceparent, String tracestate) {
    return new ExchangeTrace(null, null, null, traceparent, tracestate);
  }

  /** The trace id when this request's spans are recorded and exported, else null. */
  public String traceId() {
    return server != null && server.getSpanContext().isSampled() ? server.getSpanContext().getTraceId() : null;
  }

  /** The server span's id when recorded, else null. */
  public String spanId() {
    return server != null && server.getSpanContext().isSampled() ? server.getSpanContext().getSpanId() : null;
  }

  /** Names who asked, once the pipeline knows. */
  public void identify(String requestId, String keyName) {
    if (server != null && server.isRecording()) {
      server.setAttribute(GenAiAttributes.REQUEST_ID, requestId);
      if (keyName != null) {
        server.setAttribute(GenAiAttributes.CLIENT_KEY, keyName);
      }
    }
  }

  /** The first byte of the answer went to the client. */
  public void firstByteSent() {
    if (server != null && server.isRecording()) {
      server.addEvent("first_token");
    }
  }

  /**
   * A client span for one upstream attempt, started now.
   *
   * @param kind {@code primary}, {@code retry}, {@code fallback} or {@code hedge}
   * @param nativeApi the attempt calls the provider's own API for the surface
   */
  public AttemptTrace attempt(Endpoint endpoint, int number, String kind, boolean nativeApi) {
    if (server == null) {
      return traceparent == null ? AttemptTrace.NONE : AttemptTrace.passThrough(traceparent, tracestate);
    }
    String model = endpoint.model().upstreamId();
    var builder =
        tracing.tracer().spanBuilder(operation + " " + model)
            .setParent(Context.root().with(server))
            .setSpanKind(SpanKind.CLIENT);
    if (server.isRecording()) {
      builder
          .setAttribute(GenAiAttributes.OPERATION, operation)
          .setAttribute(GenAiAttributes.PROVIDER, endpoint.provider().id())
          .setAttribute(GenAiAttributes.REQUEST_MODEL, model)
          .setAttribute(GenAiAttributes.ENDPOINT, endpoint.id())
          .setAttribute(GenAiAttributes.ENDPOINT_REGION, endpoint.region())
          .setAttribute(GenAiAttributes.ATTEMPT_NUMBER, (long) number)
          .setAttribute(GenAiAttributes.ATTEMPT_KIND, kind)
          .setAttribute(GenAiAttributes.NATIVE_API, nativeApi);
      setServer(builder, endpoint.upstreamUrl());
    }
    return new AttemptTrace(tracing, builder.startSpan());
  }

  private static void setServer(io.opentelemetry.api.trace.SpanBuilder builder, String url) {
    try {
      java.net.URI uri = java.net.URI.create(url);
      if (uri.getHost() != null) {
        builder.setAttribute(GenAiAttributes.SERVER_ADDRESS, uri.getHost());
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        builder.setAttribute(GenAiAttributes.SERVER_PORT, (long) port);
      }
    } catch (IllegalArgumentException e) {
      // Not a URL the router could call either; the attempt's outcome says what happened.
    }
  }

  /** Ends the server span with what happened to the request. */
  public void end(dev.meridian.router.ExchangeRecord record) {
    if (server == null || ended) {
      return;
    }
    ended = true;
    if (server.isRecording()) {
      if (record.requestedModel() != null) {
        server.setAttribute(GenAiAttributes.REQUEST_MODEL, bounded(record.requestedModel()));
      }
      Endpoint served = record.endpoint();
      if (served != null) {
        server.setAttribute(GenAiAttributes.RESPONSE_MODEL, served.model().id());
        server.setAttribute(GenAiAttributes.PROVIDER, served.provider().id());
        server.setAttribute(GenAiAttributes.ENDPOINT_REGION, served.region());
      }
      if (record.routeReason() != null) {
        server.setAttribute(GenAiAttributes.ROUTE_REASON, record.routeReason());
      }
      server.setAttribute(GenAiAttributes.HTTP_STATUS, (long) record.status());
      server.setAttribute(GenAiAttributes.OUTCOME, record.outcome());
      server.setAttribute(GenAiAttributes.ATTEMPTS, (long) record.attempts());
      server.setAttribute(GenAiAttributes.FALLBACK, record.fallback());
      server.setAttribute(GenAiAttributes.HEDGE, record.hedge());
      server.setAttribute(GenAiAttributes.STREAMED, record.streamed());
      AttemptTrace.setUsage(server, record.usage(), record.costDollars());
      if (record.firstByteNanos() >= 0) {
        server.setAttribute(GenAiAttributes.TTFT_MS, record.firstByteNanos() / 1e6);
      }
      if (isFailure(record.status(), record.outcome())) {
        server.setAttribute(GenAiAttributes.ERROR_TYPE, record.outcome());
        server.setStatus(StatusCode.ERROR);
      }
    }
    server.end();
  }

  /**
   * The router failed the client: a 5xx, a stream that broke, or every upstream throttling. A client's
   * own mistake or limit (4xx, {@code client_error}) and a client that left are not errors of this span.
   */
  static boolean isFailure(int status, String outcome) {
    return status >= 500 || "stream_broken".equals(outcome) || "timeout".equals(outcome)
        || "upstream_error".equals(outcome) || "rate_limited".equals(outcome);
  }

  private static String bounded(String name) {
    return name.length() <= 128 ? name : name.substring(0, 128) + "...";
  }

  static final TextMapSetter<HttpClientRequest> CLIENT_HEADERS = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.putHeader(key, value);
    }
  };
}
