package dev.meridian.simulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** A small HTTP client for tests: blocking calls that await futures, and SSE streams with arrival times. */
final class SimClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  /**
   * Every call starts on this event-loop context: started from the test thread, response callbacks
   * could otherwise be attached after the body has already gone by.
   */
  private final Context context;
  private final HttpClient client;

  SimClient(Vertx vertx, int port) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true));
  }

  /** A whole response, with the time from sending to the last byte. */
  record Reply(int status, MultiMap headers, String body, long elapsedMs) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** One SSE {@code data:} payload and when it arrived, in ms since the request was sent. */
  record Event(String data, long atMs) {
    boolean done() {
      return "[DONE]".equals(data);
    }

    JsonObject json() {
      return new JsonObject(data);
    }
  }

  Future<Reply> callAsync(HttpMethod method, String path, String body, Map<String, String> headers) {
    Promise<Reply> reply = Promise.promise();
    context.runOnContext(v -> callOnContext(method, path, body, headers).onComplete(reply));
    return reply.future();
  }

  private Future<Reply> callOnContext(
      HttpMethod method, String path, String body, Map<String, String> headers) {
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    headers.forEach(options::putHeader);
    return client
        .request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(
            response ->
                response
                    .body()
                    .map(
                        buffer ->
                            new Reply(
                                response.statusCode(),
                                response.headers(),
                                buffer.toString(),
                                elapsedMs(start))));
  }

  Reply call(HttpMethod method, String path, String body, Map<String, String> headers) {
    return await(callAsync(method, path, body, headers));
  }

  Reply post(String path, JsonObject body, Map<String, String> headers) {
    return call(HttpMethod.POST, path, body.encode(), headers);
  }

  Reply post(String path, JsonObject body) {
    return post(path, body, Map.of());
  }

  Reply get(String path) {
    return call(HttpMethod.GET, path, null, Map.of());
  }

  Reply delete(String path) {
    return call(HttpMethod.DELETE, path, null, Map.of());
  }

  Reply put(String path, String body) {
    return call(HttpMethod.PUT, path, body, Map.of());
  }

  /** The failure of a request the server is expected to drop. */
  Throwable postExpectingFailure(String path, JsonObject body) {
    CompletableFuture<Reply> reply = callAsync(HttpMethod.POST, path, body.encode(), Map.of())
        .toCompletionStage().toCompletableFuture();
    try {
      Reply unexpected = reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected the connection to fail, got HTTP " + unexpected.status());
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("request neither answered nor failed", e);
    }
  }

  /** Starts a streaming request; events are collected as they arrive. */
  SseStream stream(String path, JsonObject body, Map<String, String> headers) {
    SseStream stream = new SseStream();
    context.runOnContext(v -> streamOnContext(stream, path, body, headers));
    return stream;
  }

  private void streamOnContext(SseStream stream, String path, JsonObject body, Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path);
    headers.forEach(options::putHeader);
    client
        .request(options)
        .onSuccess(stream::attach)
        .compose(request -> request.send(body.encode()))
        .onSuccess(
            response -> {
              stream.head.complete(response.statusCode());
              response.handler(stream::onData);
              response.exceptionHandler(stream.ended::completeExceptionally);
              response.endHandler(v -> stream.ended.complete(null));
            })
        .onFailure(
            failure -> {
              stream.head.completeExceptionally(failure);
              stream.ended.completeExceptionally(failure);
            });
  }

  /** Awaits {@code condition}, checked on a Vert.x periodic timer rather than by sleeping. */
  void awaitCondition(BooleanSupplier condition) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    vertx.setPeriodic(
        5,
        id -> {
          // The promise first: cancelling a periodic timer from its first run can race Vert.x's
          // bookkeeping (seen in health-verticle's Await), and must not leave the wait hanging.
          if (condition.getAsBoolean()) {
            promise.tryComplete();
            vertx.cancelTimer(id);
          } else if (System.nanoTime() > deadline) {
            promise.tryFail("condition not met within " + TIMEOUT);
            vertx.cancelTimer(id);
          }
        });
    await(promise.future());
  }

  static <T> T await(Future<T> future) {
    return await(future.toCompletionStage().toCompletableFuture());
  }

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("not completed within " + TIMEOUT, e);
    }
  }

  static long elapsedMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  @Override
  public void close() {
    client.close();
  }

  /** A streaming response being received. */
  static final class SseStream {
    final CompletableFuture<Integer> head = new CompletableFuture<>();
    /** Completes at the end of the response, exceptionally if the connection failed. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final long start = System.nanoTime();
    private final StringBuilder pending = new StringBuilder();
    private final List<Event> events = new ArrayList<>();
    private volatile HttpClientRequest request;

    private void attach(HttpClientRequest request) {
      this.request = request;
    }

    private synchronized void onData(Buffer buffer) {
      long at = elapsedMs(start);
      pending.append(buffer.toString());
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String frame = pending.substring(0, end);
        pending.delete(0, end + 2);
        for (String line : frame.split("\n")) {
          if (line.startsWith("data: ")) {
            events.add(new Event(line.substring("data: ".length()), at));
          }
        }
      }
      notifyAll();
    }

    synchronized List<Event> events() {
      return List.copyOf(events);
    }

    /** Blocks until at least {@code count} events arrived; a condition wait, not a sleep. */
    synchronized List<Event> awaitEvents(int count) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (events.size() < count) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || ended.isDone() && events.size() < count) {
          throw new AssertionError(
              "expected " + count + " events, got " + events.size() + " (ended: " + ended.isDone() + ")");
        }
        try {
          wait(Math.min(left, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      return List.copyOf(events);
    }

    /** Waits for the end of the stream and returns all its events. */
    List<Event> awaitEnd() {
      await(ended);
      return events();
    }

    /** Closes the connection from the client side, as a client giving up would. */
    void close() {
      request.connection().close();
    }
  }
}
