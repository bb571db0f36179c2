package dev.meridian.launcher;

import dev.meridian.launcher.NodeTestSupport.Reply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The tests' HTTP client, on its own Vert.x, that starts every request on a Vert.x context.
 *
 * <p>Why not call the client straight from the JUnit thread, as {@link NodeTestSupport#chat} does:
 * with Vert.x 5.0.8, a request started from a non-Vert.x thread and awaited there now and then never
 * completes (reproduced outside Meridian: a plain server and client, sequential GETs from the main
 * thread hang within a few hundred requests; the same requests started inside {@code runOnContext}
 * ran 3 x 5000 without one). The router and the prober start their requests on event loops, so they
 * are not affected; only test code is.
 */
final class TestHttp implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  final Vertx vertx;
  final HttpClient client;

  TestHttp(int poolSize) {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(poolSize));
  }

  TestHttp() {
    this(8);
  }

  /** Starts {@code call} on a context of this Vert.x and waits for its result on the calling thread. */
  <T> T await(Supplier<Future<T>> call, Duration timeout) throws Exception {
    Promise<T> promise = Promise.promise();
    vertx.runOnContext(
        v -> {
          try {
            call.get().onComplete(promise);
          } catch (RuntimeException e) {
            promise.tryFail(e);
          }
        });
    return promise.future().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A chat completion for {@code model}, read whole (a stream to its end). */
  Reply chat(int port, String model, boolean stream, Map<String, String> headers) throws Exception {
    JsonObject body =
        new JsonObject()
            .put("model", model)
            .put("stream", stream)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    RequestOptions options =
        new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", NodeTestSupport.DEMO_AUTH);
    headers.forEach(options::putHeader);
    return await(
        () -> client.request(options)
            .compose(request -> request.send(body.toBuffer()))
            .compose(response -> response.body().map(b -> toReply(response, b))),
        TIMEOUT);
  }

  Reply chat(int port, String model, boolean stream) throws Exception {
    return chat(port, model, stream, Map.of());
  }

  /** A simulator admin call; fails on a status of 300 or more. */
  Buffer admin(int port, HttpMethod method, String path, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    return await(
        () -> client.request(options)
            .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
            .compose(response -> response.body().compose(b -> response.statusCode() < 300
                ? Future.succeededFuture(b)
                : Future.failedFuture(method + " " + path + " -> " + response.statusCode() + " " + b))),
        Duration.ofSeconds(10));
  }

  /** {@code PUT /admin/faults/{model}/{region}} with {@code spec}. */
  void fault(int simulatorPort, String model, String region, JsonObject spec) throws Exception {
    admin(simulatorPort, HttpMethod.PUT, "/admin/faults/" + model + "/" + region, spec);
  }

  static Reply toReply(HttpClientResponse response, Buffer body) {
    Map<String, String> headers = new HashMap<>();
    response.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
    return new Reply(response.statusCode(), headers, body);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
