package dev.meridian.health;

import dev.meridian.core.cost.CostCalculator;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.openai.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One probe of an embedding endpoint: a one-token input, timed to the whole answer. An embedding is not
 * streamed, so that latency is what a client waits before it can use the answer, and it stands in for
 * TTFT in routing; there is no generation speed to measure. All callbacks run on the caller's event loop.
 */
final class EmbeddingProbe {
  /** Enough for a few thousand floats as JSON; a larger answer to a one-token input is not an embedding. */
  static final int MAX_ANSWER_BYTES = 1 << 20;

  private final Vertx vertx;
  private final HttpClient client;
  private final ProbeTarget target;
  private final HealthOptions options;
  private final String apiKey;
  private final Promise<ProbeResult> promise = Promise.promise();
  private long observedAtMs;
  private long startNanos;
  private long deadlineTimer = -1;
  private int status;
  private boolean finished;
  private io.vertx.core.http.HttpClientRequest sent;

  /** The probe's span, null when not traced: its traceparent goes upstream. */
  private final io.opentelemetry.api.trace.Span span;

  EmbeddingProbe(Vertx vertx, HttpClient client, ProbeTarget target, HealthOptions options, String apiKey,
      io.opentelemetry.api.trace.Span span) {
    this.span = span;
    this.vertx = vertx;
    this.client = client;
    this.target = target;
    this.options = options;
    this.apiKey = apiKey;
  }

  /** The probe's body: the shortest input every provider accepts. */
  static Buffer requestBody(ProbeTarget target) {
    return new JsonObject()
        .put("model", target.endpoint().model().upstreamId())
        .put("input", "ping")
        .put("encoding_format", "float")
        .toBuffer();
  }

  Future<ProbeResult> run() {
    observedAtMs = System.currentTimeMillis();
    startNanos = System.nanoTime();
    deadlineTimer =
        vertx.setTimer(options.getProbeTimeoutMs(), id -> {
          deadlineTimer = -1;
          finish(ProbeOutcome.TIMEOUT, Double.NaN, 0, "no answer within " + options.getProbeTimeoutMs() + " ms");
          if (sent != null) {
            sent.reset(); // the endpoint stops working for nobody, the connection is not left waiting
          }
        });
    RequestOptions request;
    try {
      request =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setAbsoluteURI(target.endpoint().upstreamUrl())
              .setConnectTimeout(options.getProbeTimeoutMs())
              .setIdleTimeout(options.getProbeTimeoutMs())
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .putHeader(HttpHeaders.ACCEPT, "application/json")
              .putHeader(MeridianHeaders.ROUTER_REGION, options.getRegion())
              .putHeader(MeridianHeaders.PROBE, "true");
      ProbeTracing.inject(span, request);
    } catch (RuntimeException e) {
      finish(ProbeOutcome.CONNECT_ERROR, Double.NaN, 0, "invalid endpoint URL");
      return promise.future();
    }
    if (apiKey != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }
    client
        .request(request)
        .compose(req -> {
          if (finished) {
            req.reset(); // the deadline passed while we waited for a connection
            return Future.failedFuture("probe already settled");
          }
          sent = req;
          return req.send(requestBody(target));
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            finish(ProbeOutcome.CONNECT_ERROR, Double.NaN, 0, Errors.describe(ar.cause()));
          } else {
            onResponse(ar.result());
          }
        });
    return promise.future();
  }

  private void onResponse(HttpClientResponse response) {
    status = response.statusCode();
    if (status < 200 || status >= 300) {
      // Never read an error body into the result: it may echo (masked) keys.
      response.handler(ignored -> {});
      response.exceptionHandler(ignored -> {});
      finish(status == 429 ? ProbeOutcome.RATE_LIMITED : ProbeOutcome.HTTP_ERROR, Double.NaN, 0, "HTTP " + status);
      return;
    }
    Buffer body = Buffer.buffer();
    response.exceptionHandler(failure -> finish(ProbeOutcome.PROTOCOL_ERROR, Double.NaN, 0, Errors.describe(failure)));
    response.handler(chunk -> {
      if (!finished && body.length() + chunk.length() > MAX_ANSWER_BYTES) {
        finish(ProbeOutcome.PROTOCOL_ERROR, Double.NaN, 0, "answer over " + MAX_ANSWER_BYTES + " bytes");
        response.request().reset();
      } else if (!finished) {
        body.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> judge(body, (System.nanoTime() - startNanos) / 1e6));
  }

  /** OK when the answer holds a non-empty vector; its usage, when reported, is what the probe cost. */
  private void judge(Buffer body, double latencyMs) {
    JsonObject answer;
    try {
      answer = body.toJsonObject();
    } catch (RuntimeException e) {
      finish(ProbeOutcome.PROTOCOL_ERROR, Double.NaN, 0, "answer is not a JSON object");
      return;
    }
    JsonArray data = answer.getValue("data") instanceof JsonArray array ? array : null;
    Object vector = data != null && !data.isEmpty() && data.getValue(0) instanceof JsonObject first
        ? first.getValue("embedding")
        : null;
    boolean hasVector = (vector instanceof JsonArray numbers && !numbers.isEmpty())
        || (vector instanceof String base64 && !base64.isEmpty());
    if (!hasVector) {
      finish(ProbeOutcome.PROTOCOL_ERROR, Double.NaN, 0, "answer without an embedding vector");
      return;
    }
    Usage usage = answer.getValue("usage") instanceof JsonObject reported ? Usage.fromJson(reported) : null;
    finish(ProbeOutcome.OK, latencyMs, usage == null ? 0 : (int) usage.promptTokens(), null);
  }

  private void finish(ProbeOutcome outcome, double latencyMs, int promptTokens, String error) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
    }
    promise.complete(
        new ProbeResult(
            target.key(),
            observedAtMs,
            outcome,
            latencyMs,
            Double.NaN,
            promptTokens,
            0,
            CostCalculator.dollars(target.endpoint().model(), promptTokens, 0),
            status,
            error));
  }
}
