package dev.meridian.health;

import dev.meridian.core.openai.SseParser;
import dev.meridian.core.cost.CostCalculator;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The state of one probe from request to verdict. Every callback runs on the caller's event loop, so
 * plain fields suffice; {@link #finish} settles the result once and everything after it is ignored.
 */
final class ProbeExchange {
  private final Vertx vertx;
  private final HttpClient client;
  private final ProbeTarget target;
  private final HealthOptions options;
  private final String apiKey;
  private final Buffer body;
  /** The probe's span, null when not traced: its traceparent goes upstream. */
  private final io.opentelemetry.api.trace.Span span;
  private final Promise<ProbeResult> promise = Promise.promise();
  private final StreamStats stats = new StreamStats();

  private long observedAtMs;
  private long startNanos;
  private long deadlineTimer = -1;
  private HttpClientRequest request;
  private int status;
  private boolean finished;

  ProbeExchange(
      Vertx vertx,
      HttpClient client,
      ProbeTarget target,
      HealthOptions options,
      String apiKey,
      Buffer body,
      io.opentelemetry.api.trace.Span span) {
    this.span = span;
    this.vertx = vertx;
    this.client = client;
    this.target = target;
    this.options = options;
    this.apiKey = apiKey;
    this.body = body;
  }

  Future<ProbeResult> run() {
    observedAtMs = System.currentTimeMillis();
    // TTFT counts from here, connection set-up included: a client on a cold connection waits for it too.
    startNanos = System.nanoTime();
    deadlineTimer = vertx.setTimer(options.getProbeTimeoutMs(), id -> onDeadline());
    RequestOptions request;
    try {
      request =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setAbsoluteURI(target.endpoint().upstreamUrl())
              .setConnectTimeout(options.getProbeTimeoutMs())
              // Closes a connection whose body stalls after we stopped caring (e.g. an error body).
              .setIdleTimeout(options.getProbeTimeoutMs())
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
              .putHeader(MeridianHeaders.ROUTER_REGION, options.getRegion())
              .putHeader(MeridianHeaders.PROBE, "true");
      ProbeTracing.inject(span, request);
    } catch (RuntimeException e) {
      finish(ProbeOutcome.CONNECT_ERROR, "invalid endpoint URL");
      return promise.future();
    }
    if (apiKey != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }
    client.request(request).onComplete(ar -> {
      if (ar.failed()) {
        finish(ProbeOutcome.CONNECT_ERROR, Errors.describe(ar.cause()));
      } else if (finished) {
        ar.result().reset(); // the deadline passed while we waited for a connection
      } else {
        send(ar.result());
      }
    });
    return promise.future();
  }

  private void send(HttpClientRequest req) {
    this.request = req;
    req.send(body).onComplete(ar -> {
      if (ar.failed()) {
        // Refused, reset or closed before a status line: the endpoint is not reachable.
        finish(ProbeOutcome.CONNECT_ERROR, Errors.describe(ar.cause()));
      } else {
        // Handlers are set in this callback, before the event loop can deliver any body data.
        onResponse(ar.result());
      }
    });
  }

  private void onResponse(HttpClientResponse response) {
    status = response.statusCode();
    if (finished) {
      return;
    }
    if (status < 200 || status >= 300) {
      // Drain and forget the body so the connection can go back to the pool; never read it into the
      // result: error bodies may echo (masked) keys or prompt text.
      response.handler(ignored -> {});
      response.exceptionHandler(ignored -> {});
      finish(status == 429 ? ProbeOutcome.RATE_LIMITED : ProbeOutcome.HTTP_ERROR, "HTTP " + status);
      return;
    }
    SseParser parser =
        new SseParser(
            data -> {
              if (!finished && !stats.accept(data, System.nanoTime())) {
                abandon(ProbeOutcome.PROTOCOL_ERROR, "malformed SSE data");
              }
            });
    response.handler(buffer -> {
      if (finished) {
        return;
      }
      try {
        parser.feed(buffer);
      } catch (IllegalStateException e) {
        abandon(ProbeOutcome.PROTOCOL_ERROR, e.getMessage());
      }
    });
    response.exceptionHandler(
        failure ->
            finish(
                ProbeOutcome.PROTOCOL_ERROR,
                "stream broken after " + stats.tokenChunks() + " tokens: " + Errors.describe(failure)));
    response.endHandler(v -> {
      if (finished) {
        return;
      }
      parser.finish();
      onStreamEnd();
    });
  }

  private void onStreamEnd() {
    if (finished) {
      return;
    }
    if (stats.upstreamError() != null) {
      finish(ProbeOutcome.PROTOCOL_ERROR, stats.upstreamError());
    } else if (!stats.sawToken()) {
      finish(ProbeOutcome.PROTOCOL_ERROR, "HTTP " + status + " stream without a token");
    } else {
      finish(ProbeOutcome.OK, null);
    }
  }

  private void onDeadline() {
    deadlineTimer = -1;
    if (finished) {
      return;
    }
    String error =
        stats.sawToken()
            ? "stream not complete within " + options.getProbeTimeoutMs() + " ms"
            : "no first token within " + options.getProbeTimeoutMs() + " ms";
    abandon(ProbeOutcome.TIMEOUT, error);
  }

  /** Settles the result and resets the request so the upstream stops generating for nobody. */
  private void abandon(ProbeOutcome outcome, String error) {
    finish(outcome, error);
    if (request != null) {
      request.reset();
    }
  }

  private void finish(ProbeOutcome outcome, String error) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
    }
    double ttftMs = stats.sawToken() ? (stats.firstTokenNanos() - startNanos) / 1e6 : Double.NaN;
    int prompt = stats.promptTokens();
    int completion = stats.completionTokens();
    promise.complete(
        new ProbeResult(
            target.key(),
            observedAtMs,
            outcome,
            ttftMs,
            outcome == ProbeOutcome.OK ? stats.tokensPerSecond() : Double.NaN,
            prompt,
            completion,
            CostCalculator.dollars(target.endpoint().model(), prompt, completion),
            status,
            error));
  }
}
