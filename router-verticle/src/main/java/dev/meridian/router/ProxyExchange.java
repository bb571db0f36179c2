package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.cost.CostCalculator;
import dev.meridian.core.routing.Candidate;
import dev.meridian.core.routing.Deadlines;
import dev.meridian.core.routing.FailoverPolicy;
import dev.meridian.core.routing.RetryBudget;
import dev.meridian.core.routing.RoutePlan;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the candidate endpoints. Runs entirely on the event loop that
 * received the request, so its fields need no synchronisation.
 *
 * <p>Until the first byte has gone to the client, an endpoint failure (connect error, 429, 5xx, no first
 * byte in time) moves to the next candidate, as far as the retry budget allows; a hedge may run a second
 * attempt beside a slow first one, and the first to produce a byte wins. After the first byte there is
 * no silent switch: a broken stream ends with an SSE error event in the OpenAI shape.
 */
final class ProxyExchange {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);
  /** Dollars this request cost: a header on JSON responses, a trailer on streams. */
  static final String COST_HEADER = "x-meridian-cost-usd";
  static final String PROMPT_TOKENS_HEADER = "x-meridian-prompt-tokens";
  static final String COMPLETION_TOKENS_HEADER = "x-meridian-completion-tokens";
  /** {@code provider} when the provider reported usage, {@code estimated} when Meridian counted. */
  static final String USAGE_SOURCE_HEADER = "x-meridian-usage-source";
  private static final CharSequence COST_NAME = HeaderNames.of(COST_HEADER);
  private static final CharSequence PROMPT_TOKENS_NAME = HeaderNames.of(PROMPT_TOKENS_HEADER);
  private static final CharSequence COMPLETION_TOKENS_NAME = HeaderNames.of(COMPLETION_TOKENS_HEADER);
  private static final CharSequence USAGE_SOURCE_NAME = HeaderNames.of(USAGE_SOURCE_HEADER);

  /** Per-request collaborators that do not change between requests. */
  record Context(
      Vertx vertx,
      RouterOptions options,
      UpstreamClient upstream,
      ResilienceState resilience,
      RetryBudget retryBudget,
      SecretRedactor redactor,
      ExchangeListener listener,
      Function<Endpoint, EndpointHealth> localHealth) {}

  private final Context ctx;
  private final Vertx vertx;
  private final HttpServerResponse response;
  private final ChatRequest request;
  private final RoutePlan plan;
  private final Deadlines deadlines;
  private final boolean hedgeEnabled;
  private final String requestId;
  private final long startedNanos;
  private final List<Attempt> inFlight = new ArrayList<>(2);
  private final List<ExchangeRecord.AttemptFailure> failures = new ArrayList<>();
  /** Told what happened once the exchange ends (the drain gate, the client's usage). */
  private final java.util.function.Consumer<ExchangeRecord> onFinish;
  /** From the request's profile, for when the provider reports no usage. */
  private final long promptTokensEstimate;

  private int nextCandidate;
  private int attempts;
  private int retriesDenied;
  private Attempt winner;
  private Attempt last;
  private boolean finished;
  private boolean hedged;
  private long firstByteNanos = -1;
  private long overheadNanos = -1;
  private long deadlineTimer = -1;
  private long hedgeTimer = -1;
  private String lastFailure = "no endpoint could be tried";
  private boolean allRateLimited = true;
  private long minRetryAfterMs = Long.MAX_VALUE;
  private boolean lastWasTimeout;
  private Usage usage = Usage.NONE;
  private double costDollars;

  ProxyExchange(
      Context ctx,
      HttpServerResponse response,
      ChatRequest request,
      RoutePlan plan,
      Deadlines deadlines,
      boolean hedgeEnabled,
      String requestId,
      long startedNanos,
      long promptTokensEstimate,
      java.util.function.Consumer<ExchangeRecord> onFinish) {
    this.promptTokensEstimate = promptTokensEstimate;
    this.onFinish = onFinish;
    this.ctx = ctx;
    this.vertx = ctx.vertx();
    this.response = response;
    this.request = request;
    this.plan = plan;
    this.deadlines = deadlines;
    this.hedgeEnabled = hedgeEnabled;
    this.requestId = requestId;
    this.startedNanos = startedNanos;
  }

  void start() {
    ctx.retryBudget().onRequest(System.currentTimeMillis());
    deadlineTimer = vertx.setTimer(deadlines.requestMs(), id -> onDeadline());
    response.closeHandler(v -> onClientGone());
    if (response.closed()) {
      // Gone before the handler was set, which then may never fire: end now, not at the deadline.
      onClientGone();
      return;
    }
    if (!launchNext(false)) {
      failAll();
      return;
    }
    if (hedgeEnabled) {
      long delay = hedgeDelayMs(inFlight.get(0).endpoint);
      hedgeTimer = vertx.setTimer(Math.max(1, delay), id -> onHedgeTimer());
    }
  }

  /** Starts an attempt on the next candidate the breakers and the retry budget allow. */
  private boolean launchNext(boolean asHedge) {
    List<Candidate> candidates = plan.candidates();
    long now = System.currentTimeMillis();
    while (nextCandidate < candidates.size() && attempts < ctx.options().getMaxAttempts()) {
      Endpoint endpoint = candidates.get(nextCandidate++).endpoint();
      // A 429 or a breaker on this node or a peer may have blocked it since the route was chosen.
      if (ctx.resilience().blocklist().isBlocked(endpoint.id(), now)) {
        continue;
      }
      EndpointBreaker.Verdict verdict = ctx.resilience().breaker(endpoint).admit();
      if (verdict == null) {
        continue;
      }
      if (attempts > 0 && !ctx.retryBudget().tryRetry(now)) {
        verdict.neutral();
        retriesDenied++;
        lastFailure = lastFailure + "; retry budget exhausted";
        return false;
      }
      launch(endpoint, verdict, asHedge);
      return true;
    }
    return false;
  }

  private void launch(Endpoint endpoint, EndpointBreaker.Verdict verdict, boolean asHedge) {
    attempts++;
    Attempt attempt = new Attempt(endpoint, verdict, asHedge);
    inFlight.add(attempt);
    last = attempt;
    Buffer body = upstreamBody(endpoint).toBuffer();
    long attemptTimeout = request.stream() ? deadlines.firstTokenMs() : nonStreamedAttemptMs(endpoint);
    attempt.firstByteTimer = vertx.setTimer(Math.max(1, attemptTimeout), id -> attempt.onFirstByteTimeout(attemptTimeout));
    ctx.upstream()
        .open(endpoint, request.stream())
        .compose(
            clientRequest -> {
              attempt.clientRequest = clientRequest;
              if (attempt.abandoned) {
                clientRequest.reset();
              }
              if (overheadNanos < 0) {
                overheadNanos = System.nanoTime() - startedNanos;
              }
              return UpstreamClient.send(clientRequest, body, requestId);
            })
        .onComplete(attempt::onResponse);
  }

  /**
   * The client's body with the provider's model name; a stream also asks for the usage event, so every
   * request can be billed (the event is stripped again unless the client asked for it).
   */
  private JsonObject upstreamBody(Endpoint endpoint) {
    // The same JSON as request.upstreamBody(...) (a deep copy with the model replaced), from a copy of
    // the top level only: nothing below it is changed here, and stream_options is copied before it is.
    Map<String, Object> top = request.body().getMap();
    Map<String, Object> copy = top instanceof LinkedHashMap ? new LinkedHashMap<>(top) : new HashMap<>(top);
    JsonObject body = new JsonObject(copy).put("model", endpoint.model().upstreamId());
    if (request.stream() && !request.includeUsage()) {
      JsonObject options = body.getJsonObject("stream_options");
      body.put("stream_options", (options == null ? new JsonObject() : options.copy()).put("include_usage", true));
    }
    return body;
  }

  /** Records what the serving endpoint used and what it cost; returns the headers' values. */
  private void account(Endpoint endpoint, Usage used) {
    usage = used;
    costDollars = CostCalculator.dollars(endpoint.model(), used.promptTokens(), used.completionTokens());
  }

  private void putCostHeaders(io.vertx.core.MultiMap headers) {
    headers.set(COST_NAME, FixedDecimal.eightPlaces(costDollars));
    headers.set(PROMPT_TOKENS_NAME, Long.toString(usage.promptTokens()));
    headers.set(COMPLETION_TOKENS_NAME, Long.toString(usage.completionTokens()));
    headers.set(USAGE_SOURCE_NAME, usage.estimated() ? "estimated" : "provider");
  }

  /**
   * A non-streamed answer arrives whole, after the full generation, so the first-token deadline alone
   * would cut healthy long answers. The attempt gets the first-token deadline plus the time to generate
   * its output budget (max_tokens, else 1024) at half the model's catalog speed: a stalled provider is
   * left in bounded time, a slow honest one is not. Never more than this attempt's share of what is left
   * of the request deadline, so the fallbacks still get their turn.
   */
  private long nonStreamedAttemptMs(Endpoint endpoint) {
    int budget = request.maxTokens() == null ? 1024 : request.maxTokens();
    double tokensPerSecond = Math.max(1, endpoint.model().nominalTokensPerSecond() / 2);
    long generationMs = (long) (budget * 1000 / tokensPerSecond);
    long share = remainingMs() / Math.max(1, ctx.options().getMaxAttempts() - attempts + 1);
    return Math.max(1, Math.min(deadlines.firstTokenMs() + generationMs, share));
  }

  private long remainingMs() {
    return deadlines.requestMs() - (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /** The primary's p95 TTFT as this region observed it; the nominal TTFT doubled when unobserved. */
  private long hedgeDelayMs(Endpoint endpoint) {
    EndpointHealth health = ctx.localHealth().apply(endpoint);
    double p95 = health == null ? Double.NaN : health.ttftPercentileMs(0.95);
    return Math.round(Double.isFinite(p95) ? p95 : endpoint.model().nominalTtftMs() * 2);
  }

  private void onHedgeTimer() {
    hedgeTimer = -1;
    if (finished || winner != null || inFlight.size() != 1) {
      return;
    }
    if (launchNext(true)) {
      hedged = true;
      LOG.debug("request {}: hedged {} with {}", requestId, inFlight.get(0).endpoint, last.endpoint);
    }
  }

  /** Gives up on one attempt; moves on when no other attempt is still running. */
  private void attemptFailed(Attempt attempt, String why, String kind, boolean timeout) {
    if (attempt.abandoned || finished) {
      return;
    }
    attempt.abandon();
    inFlight.remove(attempt);
    failures.add(new ExchangeRecord.AttemptFailure(attempt.endpoint, kind));
    if (!"http_429".equals(kind)) {
      allRateLimited = false;
      attempt.verdict.failure(why);
    } else {
      attempt.verdict.neutral();
    }
    lastFailure = attempt.endpoint.id() + ": " + why;
    lastWasTimeout = timeout;
    LOG.debug("request {} attempt on {} failed: {}", requestId, attempt.endpoint, why);
    if (!inFlight.isEmpty()) {
      return;
    }
    if (!launchNext(false)) {
      failAll();
    }
  }

  private void failAll() {
    if (finished) {
      return;
    }
    OpenAiError error;
    String outcome;
    if (allRateLimited && attempts > 0) {
      long seconds = minRetryAfterMs == Long.MAX_VALUE ? 1 : Math.max(1, (minRetryAfterMs + 999) / 1000);
      response.putHeader("retry-after", Long.toString(seconds));
      error = OpenAiError.allRateLimited(request.model(), seconds);
      outcome = "rate_limited";
    } else if (lastWasTimeout) {
      error = OpenAiError.upstreamTimeout(request.model(), deadlines.firstTokenMs());
      outcome = "timeout";
    } else if (attempts == 0) {
      // Every candidate was blocked or refused by its breaker between selection and now.
      error = OpenAiError.noHealthyEndpoint(request.model());
      outcome = "no_route";
    } else {
      error = OpenAiError.upstreamFailed(request.model(), attempts, lastFailure);
      outcome = "upstream_error";
    }
    Endpoint endpoint = last == null ? null : last.endpoint;
    RouteHeaders.apply(response, endpoint, attempts, plan.reason(), requestId);
    ErrorResponder.send(response, error);
    finish(endpoint, error.status(), outcome);
  }

  private void onDeadline() {
    deadlineTimer = -1;
    if (finished) {
      return;
    }
    OpenAiError error = OpenAiError.upstreamTimeout(request.model(), deadlines.requestMs());
    Endpoint endpoint = winner != null ? winner.endpoint : last == null ? null : last.endpoint;
    if (winner != null) {
      winner.abandon();
      winner.verdict.neutral();
      endStreamWithError(error);
      finish(endpoint, 200, "timeout");
      return;
    }
    for (Attempt attempt : List.copyOf(inFlight)) {
      attempt.abandon();
      attempt.verdict.failure("request deadline");
      failures.add(new ExchangeRecord.AttemptFailure(attempt.endpoint, "first_byte_timeout"));
    }
    inFlight.clear();
    RouteHeaders.apply(response, endpoint, attempts, plan.reason(), requestId);
    ErrorResponder.send(response, error);
    finish(endpoint, error.status(), "timeout");
  }

  private void onClientGone() {
    if (finished) {
      return;
    }
    Endpoint endpoint = winner != null ? winner.endpoint : last == null ? null : last.endpoint;
    for (Attempt attempt : List.copyOf(inFlight)) {
      attempt.abandon();
      attempt.verdict.neutral();
    }
    inFlight.clear();
    LOG.debug("request {}: client went away, upstream request cancelled", requestId);
    finish(endpoint, winner != null ? 200 : 499, "client_gone");
  }

  private void endStreamWithError(OpenAiError error) {
    if (!response.ended() && !response.closed()) {
      response.end(ErrorResponder.streamErrorEvent(error));
    }
  }

  /** The attempt that produced the first byte wins; any other is cancelled. */
  private void commit(Attempt attempt, String contentType) {
    winner = attempt;
    attempt.verdict.success();
    for (Attempt other : List.copyOf(inFlight)) {
      if (other != attempt) {
        other.abandon();
        other.verdict.neutral();
      }
    }
    inFlight.clear();
    inFlight.add(attempt);
    if (hedgeTimer >= 0) {
      vertx.cancelTimer(hedgeTimer);
      hedgeTimer = -1;
    }
    firstByteNanos = System.nanoTime() - startedNanos;
    response.setStatusCode(200);
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    if (hedged) {
      response.putHeader("x-meridian-hedge", attempt.hedge ? "hedge_won" : "primary_won");
    }
    RouteHeaders.apply(response, attempt.endpoint, attempts, plan.reason(), requestId);
  }

  private void finish(Endpoint endpoint, int status, String outcome) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
    if (hedgeTimer >= 0) {
      vertx.cancelTimer(hedgeTimer);
      hedgeTimer = -1;
    }
    for (Attempt attempt : inFlight) {
      attempt.cancelTimers();
    }
    boolean fallback = winner != null && !winner.endpoint.equals(plan.primary().endpoint());
    String hedge = !hedged ? "none" : winner != null && winner.hedge ? "hedge_won" : "primary_won";
    long total = System.nanoTime() - startedNanos;
    ExchangeRecord record =
        new ExchangeRecord(
            request.model(), endpoint, attempts, status, request.stream(), outcome, fallback, hedge,
            retriesDenied, List.copyOf(failures), usage, costDollars, firstByteNanos, overheadNanos, total);
    onFinish.accept(record);
    try {
      ctx.listener().onExchange(record);
    } catch (RuntimeException e) {
      LOG.warn("exchange listener failed", e);
    }
  }

  /** One try against one endpoint. Callbacks of an abandoned attempt are ignored. */
  private final class Attempt {
    final Endpoint endpoint;
    final EndpointBreaker.Verdict verdict;
    final boolean hedge;
    HttpClientRequest clientRequest;
    long firstByteTimer = -1;
    long idleTimer = -1;
    long lastChunkNanos;
    boolean abandoned;

    Attempt(Endpoint endpoint, EndpointBreaker.Verdict verdict, boolean hedge) {
      this.endpoint = endpoint;
      this.verdict = verdict;
      this.hedge = hedge;
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
        vertx.cancelTimer(firstByteTimer);
        firstByteTimer = -1;
      }
      if (idleTimer >= 0) {
        vertx.cancelTimer(idleTimer);
        idleTimer = -1;
      }
    }

    boolean live() {
      return !abandoned && !finished;
    }

    void onFirstByteTimeout(long timeoutMs) {
      firstByteTimer = -1;
      if (!live() || winner == this) {
        return;
      }
      attemptFailed(this, "no first byte within " + timeoutMs + " ms", "first_byte_timeout", true);
    }

    void onResponse(AsyncResult<HttpClientResponse> result) {
      if (!live()) {
        return;
      }
      if (result.failed()) {
        attemptFailed(this, "connection failed: " + describe(result.cause()), "connect", false);
        return;
      }
      HttpClientResponse upstreamResponse = result.result();
      int status = upstreamResponse.statusCode();
      switch (FailoverPolicy.classify(status)) {
        case SUCCESS -> {
          String contentType = upstreamResponse.getHeader("content-type");
          if (request.stream() && contentType != null && contentType.startsWith("text/event-stream")) {
            relayStream(upstreamResponse, contentType);
          } else {
            relayBody(upstreamResponse, contentType == null ? "application/json" : contentType);
          }
        }
        case TRY_NEXT -> {
          if (status == 429) {
            long retryAfterMs = FailoverPolicy.retryAfterMs(upstreamResponse.getHeader("retry-after"));
            ResilienceOptions options = ctx.resilience().options();
            // The client hears the wait the block really has: no longer than max-block-ms.
            minRetryAfterMs = Math.min(minRetryAfterMs,
                Math.min(options.getMaxBlockMs(), retryAfterMs > 0 ? retryAfterMs : options.getRateLimitBlockMs()));
            ctx.resilience().rateLimited(endpoint, retryAfterMs);
          }
          // Read and drop the body so the connection goes back to the pool.
          upstreamResponse.body();
          attemptFailed(this, "HTTP " + status, status == 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx", false);
        }
        case RELAY_TO_CLIENT -> relayClientError(upstreamResponse, status);
      }
    }

    private void relayStream(HttpClientResponse upstreamResponse, String contentType) {
      SseUsageFilter filter = new SseUsageFilter(request.includeUsage(), ctx.redactor());
      upstreamResponse.handler(
          chunk -> {
            if (!live()) {
              return;
            }
            if (winner == null) {
              cancelTimers();
              commit(this, contentType);
              response.putHeader("cache-control", "no-cache");
              response.setChunked(true);
              armIdleTimer(deadlines.idleMs());
            }
            lastChunkNanos = System.nanoTime();
            Buffer forward = filter.accept(chunk);
            if (forward.length() > 0) {
              response.write(forward);
            }
            if (response.writeQueueFull()) {
              upstreamResponse.pause();
              response.drainHandler(v -> upstreamResponse.resume());
            }
          });
      upstreamResponse.exceptionHandler(
          error -> {
            if (!live()) {
              return;
            }
            if (winner != this) {
              attemptFailed(this, "stream failed before first byte: " + describe(error), "connect", false);
              return;
            }
            streamBroke("the upstream stream from " + endpoint.id() + " broke");
          });
      upstreamResponse.endHandler(
          v -> {
            if (!live()) {
              return;
            }
            cancelTimers();
            if (winner != this) {
              attemptFailed(this, "empty stream", "stream_broken", false);
              return;
            }
            account(endpoint, filter.usage(promptTokensEstimate));
            putCostHeaders(response.trailers());
            response.end(filter.flush());
            finish(endpoint, 200, "ok");
          });
    }

    private void streamBroke(String message) {
      abandon();
      verdict.neutral();
      ctx.resilience().breaker(endpoint).recordLateFailure();
      failures.add(new ExchangeRecord.AttemptFailure(endpoint, "stream_broken"));
      LOG.debug("request {}: {}", requestId, message);
      endStreamWithError(new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", message, null));
      finish(endpoint, 200, "stream_broken");
    }

    /** One timer per idle period, re-armed for the remainder, rather than a timer per chunk. */
    private void armIdleTimer(long delayMs) {
      idleTimer =
          vertx.setTimer(
              Math.max(1, delayMs),
              id -> {
                idleTimer = -1;
                if (!live()) {
                  return;
                }
                long idleMs = deadlines.idleMs();
                long silentMs = (System.nanoTime() - lastChunkNanos) / 1_000_000;
                if (silentMs < idleMs) {
                  armIdleTimer(idleMs - silentMs);
                  return;
                }
                streamBroke("no data from " + endpoint.id() + " for " + idleMs + " ms");
              });
    }

    private void relayBody(HttpClientResponse upstreamResponse, String contentType) {
      upstreamResponse
          .body()
          .onComplete(
              body -> {
                if (!live()) {
                  return;
                }
                cancelTimers();
                if (body.failed()) {
                  attemptFailed(this, "body failed: " + describe(body.cause()), "stream_broken", false);
                  return;
                }
                commit(this, contentType);
                account(endpoint, usageOf(body.result()));
                putCostHeaders(response.headers());
                response.end(body.result());
                finish(endpoint, 200, "ok");
              });
    }

    private void relayClientError(HttpClientResponse upstreamResponse, int status) {
      upstreamResponse
          .body()
          .onComplete(
              body -> {
                if (!live()) {
                  return;
                }
                cancelTimers();
                // The provider says the request itself is wrong: the endpoint is fine.
                verdict.success();
                for (Attempt other : List.copyOf(inFlight)) {
                  if (other != this) {
                    other.abandon();
                    other.verdict.neutral();
                  }
                }
                RouteHeaders.apply(response, endpoint, attempts, plan.reason(), requestId);
                String text = body.succeeded() ? ctx.redactor().redact(body.result().toString()) : "";
                response
                    .setStatusCode(status)
                    .putHeader("content-type", "application/json")
                    .end(text.isEmpty() ? upstreamErrorBody(status) : text);
                finish(endpoint, status, "client_error");
              });
    }

    private String upstreamErrorBody(int status) {
      return OpenAiError.invalidRequest(
              "upstream_rejected", "The provider rejected the request with HTTP " + status + ".", null)
          .toJson()
          .encode();
    }
  }

  /** The completion's usage block, or an estimate from its length when the provider sent none. */
  private Usage usageOf(Buffer body) {
    // Read without building the answer's tree; not JSON we understand: relay it anyway, and estimate.
    Usage reported = UsageScan.of(body);
    if (reported != null) {
      return reported;
    }
    return new Usage(promptTokensEstimate, Usage.estimateTokens(body.length()), true);
  }

  private String describe(Throwable error) {
    String message = error.getMessage();
    String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return ctx.redactor().redact(text);
  }
}
