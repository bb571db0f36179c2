package dev.meridian.launcher.bench;

import dev.meridian.core.openai.SseParser;
import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Sends the benchmark's streaming requests with a Vert.x {@link HttpClient}, at most {@code concurrency}
 * in flight, and times each one ({@link StreamMeter}). Nothing here blocks: every callback runs on one
 * event-loop context of the runner, which owns the dispatch state. Connections are pooled and kept
 * alive (at least {@code concurrency} per host, so a request never waits for a pool slot), like a
 * client that keeps its SDK around.
 *
 * <p>The clock starts when the request is handed to the client, so a cold connection's connect and TLS
 * time counts, as it does for a caller; warm-up requests exist to take it out of the timed runs.
 */
public final class BenchRunner {
  /** One request to make; {@code run} 0 is a warm-up. */
  public record Job(BenchTarget target, int run, int maxTokens) {
    public boolean warmup() {
      return run == 0;
    }
  }

  private static final int ERROR_DETAIL_CHARS = 300;

  private final Vertx vertx;
  private final Context context;
  private final HttpClient client;
  private final int concurrency;
  private final long timeoutMs;
  private final String prompt;
  private final boolean streamUsage;

  public BenchRunner(Vertx vertx, int concurrency, long timeoutMs, String prompt, boolean streamUsage) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.context = vertx.getOrCreateContext();
    this.concurrency = concurrency;
    this.timeoutMs = timeoutMs;
    this.prompt = prompt;
    this.streamUsage = streamUsage;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(timeoutMs, 30_000))
                // Providers behind shared TLS front ends need the host name in the handshake.
                .setForceSni(true)
                .setName("meridian-bench"),
            new PoolOptions().setHttp1MaxSize(Math.max(concurrency, 1)).setMaxWaitQueueSize(-1));
  }

  /**
   * Runs {@code jobs} in order, {@code concurrency} at a time; the future completes with one result per
   * job (in completion order) once all have finished. Each job ends within the request timeout, so the
   * future always completes. Callable from any thread; {@code onResult} is called on the runner's
   * context.
   */
  public Future<List<RunResult>> runAll(List<Job> jobs, Consumer<RunResult> onResult) {
    Promise<List<RunResult>> promise = Promise.promise();
    context.runOnContext(v -> new Dispatcher(List.copyOf(jobs), onResult, promise).fill());
    return promise.future();
  }

  /** One GET (for a router's model list) with the given headers; fails on a non-200 answer. */
  public Future<JsonObject> getJson(String url, java.util.Map<String, String> headers) {
    Promise<JsonObject> promise = Promise.promise();
    context.runOnContext(v -> {
      RequestOptions options =
          new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setIdleTimeout(timeoutMs)
              .putHeader("accept", "application/json");
      headers.forEach(options::putHeader);
      client.request(options)
          .compose(HttpClientRequest::send)
          .compose(response -> response.body().compose(body -> {
            if (response.statusCode() != 200) {
              return Future.failedFuture("GET " + url + " answered " + response.statusCode() + ": "
                  + snippet(body.toString()));
            }
            try {
              return Future.succeededFuture(new JsonObject(body));
            } catch (RuntimeException e) {
              return Future.failedFuture("GET " + url + " did not answer a JSON object");
            }
          }))
          .onComplete(promise);
    });
    return promise.future();
  }

  public Future<Void> close() {
    return client.close();
  }

  Buffer requestBody(BenchTarget target, int maxTokens) {
    JsonObject body =
        new JsonObject()
            .put("model", target.requestModel())
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
            .put("stream", true)
            .put("max_tokens", maxTokens);
    if (streamUsage) {
      body.put("stream_options", new JsonObject().put("include_usage", true));
    }
    return body.toBuffer();
  }

  static String snippet(String text) {
    String flat = text.replaceAll("\\s+", " ").trim();
    return flat.length() <= ERROR_DETAIL_CHARS ? flat : flat.substring(0, ERROR_DETAIL_CHARS) + "...";
  }

  /** Keeps {@code concurrency} jobs in flight; all its state is touched on the runner's context only. */
  private final class Dispatcher {
    private final List<Job> jobs;
    private final Consumer<RunResult> onResult;
    private final Promise<List<RunResult>> promise;
    private final List<RunResult> results;
    private int next;
    private int inFlight;

    Dispatcher(List<Job> jobs, Consumer<RunResult> onResult, Promise<List<RunResult>> promise) {
      this.jobs = jobs;
      this.onResult = onResult;
      this.promise = promise;
      this.results = new ArrayList<>(jobs.size());
    }

    void fill() {
      if (jobs.isEmpty()) {
        promise.complete(results);
        return;
      }
      while (inFlight < concurrency && next < jobs.size()) {
        Job job = jobs.get(next++);
        inFlight++;
        new Exchange(job).start().onComplete(done -> finished(done.succeeded() ? done.result()
            : RunResult.failed(job.target(), job.run(), null, null, "internal",
                String.valueOf(done.cause()), 0, Double.NaN, Double.NaN)));
      }
    }

    private void finished(RunResult result) {
      inFlight--;
      results.add(result);
      try {
        onResult.accept(result);
      } catch (RuntimeException e) {
        // A progress printer must not stall the benchmark.
      }
      if (results.size() == jobs.size()) {
        promise.complete(results);
      } else {
        fill();
      }
    }
  }

  /** One streaming request, from sending to the last byte or the deadline. */
  private final class Exchange {
    private final Job job;
    private final Promise<RunResult> promise = Promise.promise();
    private final long startNanos;
    private final StreamMeter meter;
    private long timer = -1;
    private boolean settled;
    private HttpClientRequest request;
    private int status;
    private String servedModel;
    private String servedRegion;
    private long arrivalNanos;

    Exchange(Job job) {
      this.job = job;
      this.startNanos = System.nanoTime();
      this.meter = new StreamMeter(startNanos);
    }

    Future<RunResult> start() {
      timer = vertx.setTimer(timeoutMs, id -> onTimeout());
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setAbsoluteURI(job.target().url())
              .putHeader("content-type", "application/json")
              .putHeader("accept", "text/event-stream");
      job.target().headers().forEach(options::putHeader);
      Buffer body = requestBody(job.target(), job.maxTokens());
      client.request(options).onComplete(opened -> {
        if (opened.failed()) {
          fail("connect", opened.cause().getMessage());
          return;
        }
        request = opened.result();
        if (settled) {
          request.reset(); // the deadline passed while waiting for a connection
          return;
        }
        request.send(body).onComplete(sent -> {
          if (sent.failed()) {
            fail("io", sent.cause().getMessage());
          } else {
            onResponse(sent.result());
          }
        });
      });
      return promise.future();
    }

    private void onResponse(HttpClientResponse response) {
      if (settled) {
        return;
      }
      status = response.statusCode();
      servedModel = response.getHeader(MeridianHeaders.ROUTE_MODEL);
      servedRegion = response.getHeader(MeridianHeaders.ROUTE_REGION);
      String contentType = String.valueOf(response.getHeader("content-type")).toLowerCase(java.util.Locale.ROOT);
      if (status != 200 || !contentType.contains("text/event-stream")) {
        String kind = status != 200 ? "http_" + status : "not_streamed";
        response.body().onComplete(body -> fail(kind,
            body.succeeded() ? snippet(body.result().toString()) : String.valueOf(body.cause())));
        return;
      }
      SseParser parser = new SseParser(data -> meter.onData(data, arrivalNanos));
      response.handler(chunk -> {
        arrivalNanos = System.nanoTime();
        parser.feed(chunk.getBytes());
      });
      response.exceptionHandler(error -> fail("reset", error.getMessage()));
      response.endHandler(end -> {
        parser.finish();
        StreamMeter.Measurement m = meter.finish(System.nanoTime());
        if (m.streamError() != null) {
          fail("stream_error", m.streamError());
        } else if (!meter.sawFirstToken()) {
          fail("no_tokens", "the stream ended without a content or reasoning delta");
        } else {
          settle(new RunResult(job.target(), job.run(), servedModel, servedRegion, null, null, status,
              m.ttftMs(), m.tokensPerSecond(), m.tokens(), m.tokensFromUsage(), m.totalMs()));
        }
      });
    }

    private void onTimeout() {
      if (settled) {
        return;
      }
      fail("timeout", (meter.sawFirstToken() ? "stream not finished" : "no first token") + " within "
          + timeoutMs + " ms");
      if (request != null) {
        request.reset();
      }
    }

    private void fail(String kind, String detail) {
      StreamMeter.Measurement m = meter.finish(System.nanoTime());
      settle(RunResult.failed(job.target(), job.run(), servedModel, servedRegion, kind,
          detail == null ? null : snippet(detail), status, m.ttftMs(), m.totalMs()));
    }

    private void settle(RunResult result) {
      if (settled) {
        return;
      }
      settled = true;
      vertx.cancelTimer(timer);
      promise.complete(result);
    }
  }
}
