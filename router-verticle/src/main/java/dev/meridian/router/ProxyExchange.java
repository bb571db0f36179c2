package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.routing.Candidate;
import dev.meridian.core.routing.FailoverPolicy;
import dev.meridian.core.routing.RoutePlan;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the candidate endpoints. Runs entirely on the event loop that
 * received the request, so its fields need no synchronisation.
 *
 * <p>Until the first byte has gone to the client, any endpoint failure (connect error, 429, 5xx, no
 * first byte in time) moves to the next candidate. After it, there is no silent switch: a broken stream
 * ends with an SSE error event in the OpenAI shape.
 */
final class ProxyExchange {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

  private final Vertx vertx;
  private final RouterOptions options;
  private final UpstreamClient upstream;
  private final SecretRedactor redactor;
  private final ExchangeListener listener;
  private final HttpServerResponse response;
  private final ChatRequest request;
  private final RoutePlan plan;
  private final List<Candidate> candidates;
  private final String requestId;
  private final long startedNanos;

  private int attempts;
  private Attempt current;
  private boolean committed;
  private boolean finished;
  private long firstByteNanos = -1;
  private long deadlineTimer = -1;
  private String lastFailure = "none";
  private boolean allRateLimited = true;
  private long minRetryAfterSeconds = Long.MAX_VALUE;
  private boolean lastWasTimeout;

  ProxyExchange(
      Vertx vertx,
      RouterOptions options,
      UpstreamClient upstream,
      SecretRedactor redactor,
      ExchangeListener listener,
      HttpServerResponse response,
      ChatRequest request,
      RoutePlan plan,
      String requestId,
      long startedNanos) {
    this.vertx = vertx;
    this.options = options;
    this.upstream = upstream;
    this.redactor = redactor;
    this.listener = listener;
    this.response = response;
    this.request = request;
    this.plan = plan;
    List<Candidate> all = plan.candidates();
    this.candidates = all.subList(0, Math.min(all.size(), options.getMaxAttempts()));
    this.requestId = requestId;
    this.startedNanos = startedNanos;
  }

  void start() {
    deadlineTimer = vertx.setTimer(options.getRequestTimeoutMs(), id -> onDeadline());
    response.closeHandler(v -> onClientGone());
    tryNext();
  }

  private void tryNext() {
    if (finished) {
      return;
    }
    if (attempts >= candidates.size()) {
      failAll();
      return;
    }
    Candidate candidate = candidates.get(attempts++);
    Attempt attempt = new Attempt(candidate.endpoint());
    current = attempt;
    Buffer body = request.upstreamBody(candidate.endpoint().model().upstreamId()).toBuffer();
    attempt.firstByteTimer =
        vertx.setTimer(options.getFirstTokenTimeoutMs(), id -> attempt.onFirstByteTimeout());
    upstream
        .open(candidate.endpoint(), request.stream(), requestId)
        .compose(
            clientRequest -> {
              attempt.clientRequest = clientRequest;
              if (attempt.abandoned) {
                clientRequest.reset();
              }
              return UpstreamClient.send(clientRequest, body);
            })
        .onComplete(attempt::onResponse);
  }

  /** Gives up on the current attempt (if any) and moves on. */
  private void attemptFailed(Attempt attempt, String why, boolean timeout) {
    if (attempt.abandoned || finished) {
      return;
    }
    attempt.abandon();
    lastFailure = attempt.endpoint.id() + ": " + why;
    lastWasTimeout = timeout;
    LOG.debug("request {} attempt {} failed: {}", requestId, attempts, lastFailure);
    tryNext();
  }

  private void failAll() {
    OpenAiError error;
    if (allRateLimited && attempts > 0) {
      long retryAfter = minRetryAfterSeconds == Long.MAX_VALUE ? 1 : minRetryAfterSeconds;
      response.putHeader("retry-after", Long.toString(retryAfter));
      error =
          new OpenAiError(
              429,
              OpenAiError.RATE_LIMIT,
              "upstream_rate_limited",
              "Every endpoint for '" + request.model() + "' is rate limiting (" + attempts
                  + " tried). Retry after " + retryAfter + " s.",
              null);
    } else if (lastWasTimeout) {
      error = OpenAiError.upstreamTimeout(request.model(), options.getFirstTokenTimeoutMs());
    } else {
      error = OpenAiError.upstreamFailed(request.model(), attempts, lastFailure);
    }
    Endpoint last = current == null ? null : current.endpoint;
    RouteHeaders.apply(response, last, attempts, plan.reason(), requestId);
    ErrorResponder.send(response, error);
    finish(last, error.status(), error.status() == 504 ? "timeout" : "upstream_error");
  }

  private void onDeadline() {
    deadlineTimer = -1;
    if (finished) {
      return;
    }
    OpenAiError error = OpenAiError.upstreamTimeout(request.model(), options.getRequestTimeoutMs());
    Endpoint endpoint = current == null ? null : current.endpoint;
    if (current != null) {
      current.abandon();
    }
    if (committed) {
      endStreamWithError(error);
      finish(endpoint, 200, "timeout");
    } else {
      RouteHeaders.apply(response, endpoint, attempts, plan.reason(), requestId);
      ErrorResponder.send(response, error);
      finish(endpoint, error.status(), "timeout");
    }
  }

  private void onClientGone() {
    if (finished) {
      return;
    }
    Endpoint endpoint = current == null ? null : current.endpoint;
    if (current != null) {
      current.abandon();
    }
    LOG.debug("request {}: client went away, upstream request cancelled", requestId);
    finish(endpoint, committed ? 200 : 499, "client_gone");
  }

  private void endStreamWithError(OpenAiError error) {
    if (!response.ended() && !response.closed()) {
      response.end(ErrorResponder.streamErrorEvent(error));
    }
  }

  private void commit(Attempt attempt, String contentType) {
    committed = true;
    firstByteNanos = System.nanoTime() - startedNanos;
    response.setStatusCode(200);
    response.putHeader("content-type", contentType);
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
    long total = System.nanoTime() - startedNanos;
    try {
      listener.onExchange(
          new ExchangeRecord(
              request.model(), endpoint, attempts, status, request.stream(), outcome, firstByteNanos, total));
    } catch (RuntimeException e) {
      LOG.warn("exchange listener failed", e);
    }
  }

  /** One try against one endpoint. Callbacks of an abandoned attempt are ignored. */
  private final class Attempt {
    final Endpoint endpoint;
    HttpClientRequest clientRequest;
    HttpClientResponse clientResponse;
    long firstByteTimer = -1;
    long idleTimer = -1;
    long lastChunkNanos;
    boolean abandoned;

    Attempt(Endpoint endpoint) {
      this.endpoint = endpoint;
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

    void onFirstByteTimeout() {
      firstByteTimer = -1;
      if (abandoned || finished || committed) {
        return;
      }
      attemptFailed(this, "no first byte within " + options.getFirstTokenTimeoutMs() + " ms", true);
    }

    void onResponse(AsyncResult<HttpClientResponse> result) {
      if (abandoned || finished) {
        return;
      }
      if (result.failed()) {
        allRateLimited = false;
        attemptFailed(this, "connection failed: " + describe(result.cause()), false);
        return;
      }
      HttpClientResponse upstreamResponse = result.result();
      clientResponse = upstreamResponse;
      int status = upstreamResponse.statusCode();
      switch (FailoverPolicy.classify(status)) {
        case SUCCESS -> {
          allRateLimited = false;
          String contentType = upstreamResponse.getHeader("content-type");
          if (request.stream() && contentType != null && contentType.startsWith("text/event-stream")) {
            relayStream(upstreamResponse, contentType);
          } else {
            relayBody(upstreamResponse, contentType == null ? "application/json" : contentType);
          }
        }
        case TRY_NEXT -> {
          if (status == 429) {
            noteRetryAfter(upstreamResponse.getHeader("retry-after"));
          } else {
            allRateLimited = false;
          }
          // Read and drop the body so the connection goes back to the pool.
          upstreamResponse.body();
          attemptFailed(this, "HTTP " + status, false);
        }
        case RELAY_TO_CLIENT -> {
          allRateLimited = false;
          relayClientError(upstreamResponse, status);
        }
      }
    }

    private void relayStream(HttpClientResponse upstreamResponse, String contentType) {
      upstreamResponse.handler(
          chunk -> {
            if (abandoned || finished) {
              return;
            }
            if (!committed) {
              cancelTimers();
              commit(this, contentType);
              response.putHeader("cache-control", "no-cache");
              response.setChunked(true);
              armIdleTimer(options.getIdleTimeoutMs());
            }
            lastChunkNanos = System.nanoTime();
            response.write(chunk);
            if (response.writeQueueFull()) {
              upstreamResponse.pause();
              response.drainHandler(v -> upstreamResponse.resume());
            }
          });
      upstreamResponse.exceptionHandler(
          error -> {
            if (abandoned || finished) {
              return;
            }
            if (!committed) {
              allRateLimited = false;
              attemptFailed(this, "stream failed before first byte: " + describe(error), false);
              return;
            }
            cancelTimers();
            LOG.debug("request {}: stream from {} broke: {}", requestId, endpoint, describe(error));
            endStreamWithError(streamBroken("the upstream stream from " + endpoint.id() + " broke"));
            finish(endpoint, 200, "stream_broken");
          });
      upstreamResponse.endHandler(
          v -> {
            if (abandoned || finished) {
              return;
            }
            cancelTimers();
            if (!committed) {
              allRateLimited = false;
              attemptFailed(this, "empty stream", false);
              return;
            }
            response.end();
            finish(endpoint, 200, "ok");
          });
    }

    /** One timer per idle period, re-armed for the remainder, rather than a timer per chunk. */
    private void armIdleTimer(long delayMs) {
      idleTimer =
          vertx.setTimer(
              delayMs,
              id -> {
                idleTimer = -1;
                if (abandoned || finished) {
                  return;
                }
                long idleMs = options.getIdleTimeoutMs();
                long silentMs = (System.nanoTime() - lastChunkNanos) / 1_000_000;
                if (silentMs < idleMs) {
                  armIdleTimer(idleMs - silentMs);
                  return;
                }
                abandon();
                endStreamWithError(streamBroken("no data from " + endpoint.id() + " for " + idleMs + " ms"));
                finish(endpoint, 200, "stream_broken");
              });
    }

    private void relayBody(HttpClientResponse upstreamResponse, String contentType) {
      upstreamResponse
          .body()
          .onComplete(
              body -> {
                if (abandoned || finished) {
                  return;
                }
                cancelTimers();
                if (body.failed()) {
                  allRateLimited = false;
                  attemptFailed(this, "body failed: " + describe(body.cause()), false);
                  return;
                }
                commit(this, contentType);
                response.end(body.result());
                finish(endpoint, 200, "ok");
              });
    }

    private void relayClientError(HttpClientResponse upstreamResponse, int status) {
      upstreamResponse
          .body()
          .onComplete(
              body -> {
                if (abandoned || finished) {
                  return;
                }
                cancelTimers();
                RouteHeaders.apply(response, endpoint, attempts, plan.reason(), requestId);
                String text = body.succeeded() ? redactor.redact(body.result().toString()) : "";
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

    private void noteRetryAfter(String header) {
      if (header == null) {
        return;
      }
      try {
        long seconds = Long.parseLong(header.trim());
        minRetryAfterSeconds = Math.min(minRetryAfterSeconds, Math.max(0, seconds));
      } catch (NumberFormatException ignored) {
        // An HTTP-date Retry-After is rare from LLM providers; without a number we fall back to 1 s.
      }
    }
  }

  private static OpenAiError streamBroken(String message) {
    return new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", message, null);
  }

  private String describe(Throwable error) {
    String message = error.getMessage();
    String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return redactor.redact(text);
  }
}
