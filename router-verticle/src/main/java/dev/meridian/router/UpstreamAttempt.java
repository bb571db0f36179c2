package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelKind;
import dev.meridian.core.failover.AttemptOutcome;
import dev.meridian.core.failover.FailoverMachine;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.Redaction;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.routing.FailoverPolicy;
import dev.meridian.router.surface.Surface;
import dev.meridian.router.trace.AttemptTrace;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One try against one endpoint: the upstream request, its deadlines, and the relay of its answer through
 * the surface's renderer. Reports what happened to its {@link ExchangeDriver}, which asks the failover
 * machine what follows. Callbacks of an abandoned attempt are ignored.
 */
final class UpstreamAttempt {
  final ExchangeDriver exchange;
  final FailoverMachine.Attempt handle;
  final Endpoint endpoint;
  private final ChatRequest request;
  private final HttpServerResponse response;
  /** The surface's own API call where the endpoint offers it, else null (chat completions). */
  private final Surface.NativeCall nativeCall;
  /** The renderer of this attempt's answer: the native call's, or the exchange's. */
  private final Surface.Answer answer;
  /** This attempt's span, and the traceparent its request carries. */
  final AttemptTrace trace;
  private HttpClientRequest clientRequest;
  private long firstByteTimer = -1;
  private long idleTimer = -1;
  private long lastChunkNanos;
  private boolean abandoned;

  UpstreamAttempt(ExchangeDriver exchange, FailoverMachine.Attempt handle) {
    this.exchange = exchange;
    this.handle = handle;
    this.endpoint = handle.<dev.meridian.core.routing.Candidate>endpoint().endpoint();
    this.request = exchange.request.chat();
    this.response = exchange.response;
    this.nativeCall = exchange.request.answer().nativeCall(endpoint);
    this.answer = nativeCall == null ? exchange.request.answer() : nativeCall.answer();
    this.trace = exchange.request.trace().attempt(endpoint, handle.number(), kind(exchange, handle, endpoint), nativeCall != null);
  }

  /** {@code primary}, {@code hedge}, {@code fallback} (another model than the plan's first) or {@code retry}. */
  private static String kind(ExchangeDriver exchange, FailoverMachine.Attempt handle, Endpoint endpoint) {
    if (handle.number() == 1) {
      return "primary";
    }
    if (handle.hedge()) {
      return "hedge";
    }
    dev.meridian.core.routing.Candidate primary = exchange.request.plan().primary();
    return primary != null && endpoint.model().id().equals(primary.endpoint().model().id()) ? "retry" : "fallback";
  }

  void launch() {
    Buffer body = nativeCall == null ? upstreamBody().toBuffer() : nativeCall.body();
    long timeout = request.stream() ? exchange.request.deadlines().firstTokenMs() : nonStreamedAttemptMs();
    firstByteTimer = exchange.ctx.vertx().setTimer(Math.max(1, timeout), id -> onFirstByteTimeout(timeout));
    UpstreamClient upstream = exchange.ctx.upstream();
    (nativeCall == null ? upstream.open(endpoint, request.stream()) : upstream.open(endpoint, nativeCall, request.stream()))
        .compose(
            opened -> {
              clientRequest = opened;
              if (abandoned) {
                opened.reset();
              }
              exchange.firstUpstreamRequestSent();
              trace.inject(opened);
              return UpstreamClient.send(opened, body, exchange.request.requestId());
            })
        .onComplete(this::onResponse);
  }

  /**
   * The client's body with the provider's model name; a stream also asks for the usage event, so every
   * request can be billed (the event is stripped again unless the client asked for it).
   */
  private JsonObject upstreamBody() {
    // A copy of the top level only: nothing below it is changed here, and stream_options is copied first.
    Map<String, Object> top = request.body().getMap();
    Map<String, Object> copy = top instanceof LinkedHashMap ? new LinkedHashMap<>(top) : new HashMap<>(top);
    JsonObject body = new JsonObject(copy).put("model", endpoint.model().upstreamId());
    if (request.stream() && !request.includeUsage()) {
      JsonObject options = body.getJsonObject("stream_options");
      body.put("stream_options", (options == null ? new JsonObject() : options.copy()).put("include_usage", true));
    }
    return body;
  }

  /**
   * A non-streamed answer arrives whole, after the full generation, so the first-token deadline alone
   * would cut healthy long answers. The attempt gets the first-token deadline plus the time to generate
   * its output budget (max_tokens, else 1024) at half the model's catalog speed: a stalled provider is
   * left in bounded time, a slow honest one is not. Never more than this attempt's share of what is left
   * of the request deadline, so the fallbacks still get their turn.
   */
  private long nonStreamedAttemptMs() {
    if (endpoint.model().kind() == ModelKind.EMBEDDING) {
      // Nothing is generated: the answer is due about when a chat answer's first token would be, plus
      // the time to read a large batch (a generous 2 ms per 1,000 input tokens).
      long readingMs = exchange.request.promptTokensEstimate() / 500;
      return Math.max(1, Math.min(exchange.request.deadlines().firstTokenMs() + readingMs, attemptShareMs()));
    }
    int budget = request.maxTokens() == null ? 1024 : request.maxTokens();
    double tokensPerSecond = Math.max(1, endpoint.model().nominalTokensPerSecond() / 2);
    long generationMs = (long) (budget * 1000 / tokensPerSecond);
    return Math.max(1, Math.min(exchange.request.deadlines().firstTokenMs() + generationMs, attemptShareMs()));
  }

  /** This attempt's share of what is left of the request deadline, so the fallbacks still get their turn. */
  private long attemptShareMs() {
    int maxAttempts = exchange.ctx.options().getMaxAttempts();
    // The attempts left, this one included (the machine has counted it already).
    return exchange.remainingMs() / Math.max(1, maxAttempts - exchange.attemptsStarted() + 1);
  }

  void abandon() {
    abandoned = true;
    cancelTimers();
    if (clientRequest != null) {
      clientRequest.reset();
    }
  }

  void cancelTimers() {
    if (firstByteTimer >= 0) {
      exchange.ctx.vertx().cancelTimer(firstByteTimer);
      firstByteTimer = -1;
    }
    if (idleTimer >= 0) {
      exchange.ctx.vertx().cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private boolean live() {
    return !abandoned && !exchange.finished();
  }

  private void onFirstByteTimeout(long timeoutMs) {
    firstByteTimer = -1;
    if (live() && !exchange.isWinner(this)) {
      exchange.failed(this, AttemptOutcome.FIRST_BYTE_TIMEOUT, "no first byte within " + timeoutMs + " ms", 0);
    }
  }

  private void onResponse(AsyncResult<HttpClientResponse> result) {
    if (!live()) {
      return;
    }
    if (result.failed()) {
      exchange.failed(this, AttemptOutcome.CONNECT_FAILED, "connection failed: " + describe(result.cause()), 0);
      return;
    }
    HttpClientResponse upstream = result.result();
    int status = upstream.statusCode();
    trace.status(status);
    switch (FailoverPolicy.classify(status)) {
      case SUCCESS -> {
        String contentType = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        if (request.stream() && contentType != null && contentType.startsWith("text/event-stream")) {
          relayStream(upstream, contentType);
        } else {
          relayBody(upstream, contentType);
        }
      }
      case TRY_NEXT -> {
        long blockMs = 0;
        if (status == 429) {
          long retryAfterMs = FailoverPolicy.retryAfterMs(upstream.getHeader("retry-after"));
          ResilienceOptions options = exchange.ctx.resilience().options();
          // The client hears the wait the block really has: no longer than max-block-ms.
          blockMs = Math.min(options.getMaxBlockMs(), retryAfterMs > 0 ? retryAfterMs : options.getRateLimitBlockMs());
          exchange.ctx.resilience().rateLimited(endpoint, retryAfterMs);
        }
        // Read and drop the body so the connection goes back to the pool.
        upstream.body();
        exchange.failed(this, AttemptOutcome.ofStatus(status), "HTTP " + status, blockMs);
      }
      case RELAY_TO_CLIENT -> relayClientError(upstream, status);
    }
  }

  private void relayStream(HttpClientResponse upstream, String contentType) {
    Surface.StreamRelay relay = answer.stream();
    upstream.handler(
        chunk -> {
          if (!live()) {
            return;
          }
          if (!exchange.isWinner(this)) {
            cancelTimers();
            exchange.answered(this, AttemptOutcome.FIRST_BYTE);
            if (!exchange.isWinner(this)) {
              return;
            }
            response.setStatusCode(200);
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
            response.putHeader("cache-control", "no-cache");
            response.setChunked(true);
            armIdleTimer(exchange.request.deadlines().idleMs());
          }
          lastChunkNanos = System.nanoTime();
          Buffer forward = relay.accept(chunk);
          if (forward.length() > 0) {
            response.write(forward);
          }
          if (response.writeQueueFull()) {
            upstream.pause();
            response.drainHandler(v -> upstream.resume());
          }
        });
    upstream.exceptionHandler(
        error -> {
          if (!live()) {
            return;
          }
          if (!exchange.isWinner(this)) {
            exchange.failed(this, AttemptOutcome.CONNECT_FAILED, "stream failed before first byte: " + describe(error), 0);
            return;
          }
          exchange.streamBroke(this, "the upstream stream from " + endpoint.id() + " broke");
        });
    upstream.endHandler(
        v -> {
          if (!live()) {
            return;
          }
          cancelTimers();
          if (!exchange.isWinner(this)) {
            exchange.failed(this, AttemptOutcome.EMPTY_ANSWER, "empty stream", 0);
            return;
          }
          Usage used = relay.usage(exchange.request.promptTokensEstimate());
          exchange.putCostHeaders(response.trailers(), used, endpoint);
          response.end(relay.end());
          if (relay.upstreamFailed()) {
            // The client has the provider's error event already; the exchange is still a failure.
            exchange.streamEndedInError(this, used);
          } else {
            exchange.completed(this, used, 200, "ok");
          }
        });
  }

  /** One timer per idle period, re-armed for the remainder, rather than a timer per chunk. */
  private void armIdleTimer(long delayMs) {
    idleTimer =
        exchange.ctx.vertx().setTimer(
            Math.max(1, delayMs),
            id -> {
              idleTimer = -1;
              if (!live()) {
                return;
              }
              long idleMs = exchange.request.deadlines().idleMs();
              long silentMs = (System.nanoTime() - lastChunkNanos) / 1_000_000;
              if (silentMs < idleMs) {
                armIdleTimer(idleMs - silentMs);
                return;
              }
              exchange.streamBroke(this, "no data from " + endpoint.id() + " for " + idleMs + " ms");
            });
  }

  private void relayBody(HttpClientResponse upstream, String contentType) {
    upstream
        .body()
        .onComplete(
            body -> {
              if (!live()) {
                return;
              }
              cancelTimers();
              if (body.failed()) {
                exchange.failed(this, AttemptOutcome.EMPTY_ANSWER, "body failed: " + describe(body.cause()), 0);
                return;
              }
              exchange.answered(this, AttemptOutcome.FIRST_BYTE);
              if (!exchange.isWinner(this)) {
                return;
              }
              Usage used = usageOf(body.result());
              // A 2xx can carry a provider's error (or an SSE answer to a non-streamed request): parsed
              // by its format and redacted before any surface renders it.
              Buffer relayed = Redaction.body(exchange.redactor, body.result(), contentType);
              response.setStatusCode(200);
              response.putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType(contentType));
              exchange.putCostHeaders(response.headers(), used, endpoint);
              response.end(answer.body(relayed));
              exchange.completed(this, used, 200, "ok");
            });
  }

  private void relayClientError(HttpClientResponse upstream, int status) {
    upstream
        .body()
        .onComplete(
            body -> {
              if (!live()) {
                return;
              }
              cancelTimers();
              // The provider says the request itself is wrong: the endpoint is fine.
              exchange.answered(this, AttemptOutcome.CLIENT_ERROR);
              if (!exchange.isWinner(this)) {
                return;
              }
              String text = body.succeeded()
                  ? Redaction.body(exchange.redactor, body.result(), upstream.getHeader(HttpHeaders.CONTENT_TYPE)).toString()
                  : "";
              Buffer relayed = answer.clientError(status, text);
              if (relayed.length() == 0) {
                OpenAiError error = OpenAiError.invalidRequest(
                    "upstream_rejected", "The provider rejected the request with HTTP " + status + ".", null);
                relayed = exchange.request.surface().errorBody(error);
              }
              response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(relayed);
              exchange.completed(this, Usage.NONE, status, "client_error");
            });
  }

  /** The completion's usage block, or an estimate from its length when the provider sent none. */
  private Usage usageOf(Buffer body) {
    // Read without building the answer's tree; not JSON we understand: relay it anyway, and estimate.
    Usage rendered = answer.usage(body);
    if (rendered != null) {
      return rendered;
    }
    Usage reported = UsageScan.of(body);
    if (reported != null) {
      return reported;
    }
    // An embedding's answer is vectors, not generated tokens.
    long completion = endpoint.model().kind() == ModelKind.EMBEDDING ? 0 : Usage.estimateTokens(body.length());
    return new Usage(exchange.request.promptTokensEstimate(), completion, true);
  }

  private String describe(Throwable error) {
    String message = error.getMessage();
    String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return exchange.redactor.redact(text);
  }
}
