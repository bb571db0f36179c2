package dev.meridian.router;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.tenancy.ClientKey;
import dev.meridian.router.surface.Surface;
import dev.meridian.router.trace.ExchangeTrace;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One surface's {@code POST} route up to a complete body: authenticate (before a byte of the body is
 * read), refuse form bodies and bodies over the limit, read the body within the body-read timeout
 * ({@link RouterOptions#getBodyReadTimeoutMs()}), then hand it to the {@link RequestPipeline} with the surface that parses and renders it. Refusals get an OpenAI error and are reported to the
 * exchange listener, so the SLO counts them.
 *
 * <p>The HTTP server calls this directly for the exact path, the request path's one hot route, without
 * Vert.x Web's routing context, route walk and body handler per request (docs/performance.md); other
 * spellings that Vert.x Web normalises to the same path reach it through the router.
 */
final class SurfaceRoute implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(SurfaceRoute.class);

  private final AccessControl access;
  private final TenancyMetrics tenancyMetrics;
  private final long maxBodyBytes;
  private final FifoDeadlines bodyDeadlines;
  private final LongSupplier clockMs;
  private final RequestPipeline handler;
  private final Surface surface;
  private final ExchangeListener listener;
  private final dev.meridian.router.trace.RequestTracing tracing;
  /** The most a body buffer starts with, whatever Content-Length says; typical chat bodies fit. */
  private static final int INITIAL_BODY_CAPACITY = 16 * 1024;

  /**
   * @param bodyDeadlines this event loop's body-read deadlines, swept by the caller
   */
  SurfaceRoute(
      Surface surface,
      AccessControl access,
      TenancyMetrics tenancyMetrics,
      long maxBodyBytes,
      FifoDeadlines bodyDeadlines,
      LongSupplier clockMs,
      RequestPipeline handler,
      ExchangeListener listener,
      dev.meridian.router.trace.RequestTracing tracing) {
    this.surface = surface;
    this.access = access;
    this.tenancyMetrics = tenancyMetrics;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyDeadlines = bodyDeadlines;
    this.clockMs = clockMs;
    this.handler = handler;
    this.listener = listener;
    this.tracing = tracing;
  }

  @Override
  public void handle(HttpServerRequest request) {
    ExchangeTrace trace = tracing.start(request, surface.path(), surface.genAiOperation());
    try {
      accept(request, trace);
    } catch (RuntimeException | Error e) {
      // A bug, not bad input: still an answer (500) and a report, as Vert.x Web's failure handler gave.
      reject(request, null, ErrorResponder.toError(e), -1, false, trace);
    }
  }

  private void accept(HttpServerRequest request, ExchangeTrace trace) {
    String traceId = trace.traceId();
    if (traceId != null) {
      request.response().putHeader(RouteHeaders.TRACE_ID, traceId);
    }
    ClientKey client;
    try {
      client = access.authenticate(request);
    } catch (OpenAiException e) {
      tenancyMetrics.authFailed(e.error().code());
      request.response().putHeader("www-authenticate", "Bearer realm=\"meridian\"");
      reject(request, null, e.error(), -1, false, trace);
      return;
    }
    String contentType = request.getHeader("content-type");
    if (contentType != null) {
      String type = contentType.toLowerCase(Locale.ROOT);
      if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
        reject(request, null, OpenAiError.unsupportedMediaType(contentType), -1, false, trace);
        return;
      }
    }
    long declared = declaredLength(request.getHeader("content-length"));
    if (declared > maxBodyBytes) {
      reject(request, null, OpenAiError.requestTooLarge(maxBodyBytes), -1, false, trace);
      return;
    }
    new BodyReader(request, client, declared, trace).start();
  }

  /** The Content-Length header's value, or -1 when absent or not a number (Netty rejects the latter). */
  private static long declaredLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Collects one request's body; one object for the three handlers and the deadline. */
  private final class BodyReader implements Handler<Buffer> {
    private final HttpServerRequest request;
    private final ClientKey client;
    private final ExchangeTrace trace;
    private final Buffer body;
    private FifoDeadlines.Deadline deadline;
    private boolean over;

    BodyReader(HttpServerRequest request, ClientKey client, long declared, ExchangeTrace trace) {
      this.request = request;
      this.client = client;
      this.trace = trace;
      // Grown as bytes arrive: a declared length alone must not reserve memory for 30 s.
      this.body = Buffer.buffer((int) Math.max(1024, Math.min(declared, INITIAL_BODY_CAPACITY)));
    }

    void start() {
      deadline = bodyDeadlines.start(clockMs.getAsLong(), this::tooSlow);
      request.handler(this);
      request.exceptionHandler(this::failed);
      request.endHandler(v -> complete());
      if ("100-continue".equalsIgnoreCase(request.getHeader("expect"))) {
        // Accepted so far: tell a client that waits for it to send the body.
        request.response().writeContinue();
      }
    }

    @Override
    public void handle(Buffer chunk) {
      if (over) {
        return;
      }
      if (body.length() + (long) chunk.length() > maxBodyBytes) {
        end();
        reject(request, null, OpenAiError.requestTooLarge(maxBodyBytes), -1, false, trace);
        return;
      }
      body.appendBuffer(chunk);
    }

    private void complete() {
      if (over) {
        return;
      }
      end();
      serve(request, body, client, trace);
    }

    /** The connection broke while the body was on its way: nobody to answer, nothing failed. */
    private void failed(Throwable error) {
      if (over) {
        return;
      }
      end();
      LOG.debug("request abandoned by the client before it was read: {}", String.valueOf(error));
      reportGone(trace);
    }

    private void tooSlow() {
      over = true;
      if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
        // One stream of a shared connection: reset it, not the other clients' streams beside it.
        LOG.debug("resetting a stream whose request body did not arrive in time");
        request.response().reset();
      } else {
        LOG.debug("closing a connection whose request body did not arrive in time");
        request.connection().close();
      }
      reportGone(trace);
    }

    private void end() {
      over = true;
      deadline.end();
    }
  }

  private void serve(HttpServerRequest request, Buffer body, ClientKey client, ExchangeTrace trace) {
    try {
      handler.serve(surface, request, body, client, trace);
    } catch (RequestPipeline.ClientLimited e) {
      reject(request, body, e.refusal().error(), e.refusal().retryAfterSeconds(), true, trace);
    } catch (OpenAiException e) {
      reject(request, body, e.error(), e.retryAfterSeconds(), false, trace);
    } catch (RuntimeException | Error e) {
      reject(request, body, ErrorResponder.toError(e), -1, false, trace);
    }
  }

  /**
   * Answers a request that was refused before any upstream was tried, and reports it, so the SLO sees
   * a 503 as a failure and a client's own 429 as the client's.
   *
   * @param body the body when it was read, to name the model in the report
   * @param clientLimited refused by the client key's own limits or budget
   */
  private void reject(
      HttpServerRequest request, Buffer body, OpenAiError error, long retryAfterSeconds, boolean clientLimited,
      ExchangeTrace trace) {
    HttpServerResponse response = request.response();
    if (response.closed()) {
      reportGone(trace);
      return;
    }
    if (retryAfterSeconds >= 0) {
      response.putHeader("retry-after", Long.toString(retryAfterSeconds));
    }
    ErrorResponder.send(response, error, surface.errorBody(error));
    String outcome = switch (error.status()) {
      case 503 -> "no_route";
      case 429 -> clientLimited ? "client_error" : "rate_limited";
      default -> error.status() >= 500 ? "upstream_error" : "client_error";
    };
    report(new ExchangeRecord(surface.api(), modelOf(body), null, 0, error.status(), false, outcome, false, "none", 0,
        List.of(), Usage.NONE, 0, -1, -1, 0, null, null, null, trace.traceId(), trace.spanId()), trace);
  }

  private void reportGone(ExchangeTrace trace) {
    report(new ExchangeRecord(surface.api(), null, null, 0, 499, false, "client_gone", false, "none", 0,
        List.of(), Usage.NONE, 0, -1, -1, 0, null, null, null, trace.traceId(), trace.spanId()), trace);
  }

  private void report(ExchangeRecord record, ExchangeTrace trace) {
    trace.end(record);
    try {
      listener.onExchange(record);
    } catch (RuntimeException e) {
      LOG.warn("exchange listener failed", e);
    }
  }

  /** The model a refused body asked for, or null when there is none or it does not parse. */
  private static String modelOf(Buffer body) {
    if (body == null) {
      return null;
    }
    try {
      return body.toJsonObject().getValue("model") instanceof String name ? name : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
