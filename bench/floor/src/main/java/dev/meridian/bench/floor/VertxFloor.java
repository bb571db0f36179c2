package dev.meridian.bench.floor;

import io.vertx.core.VerticleBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The hop on Vert.x, written the plain way: one verticle per event loop, each with its own server
 * handler and pooled client (as Meridian's router instances are), the body read whole, the response
 * piped back as it arrives. Nothing else: no routing, keys, limits, metrics, timers or cost.
 */
final class VertxFloor extends VerticleBase {
  private final FloorProxy.Settings settings;
  private HttpClient client;

  private VertxFloor(FloorProxy.Settings settings) {
    this.settings = settings;
  }

  static void start(FloorProxy.Settings settings) {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    vertx
        .deployVerticle(() -> new VertxFloor(settings), new DeploymentOptions().setInstances(settings.threads()))
        .onSuccess(
            id ->
                System.out.println(
                    "vertx-floor listening on " + settings.port() + " (" + (vertx.isNativeTransportEnabled() ? "epoll" : "nio")
                        + ", " + settings.threads() + " instances, json " + settings.json() + ")"))
        .onFailure(
            err -> {
              err.printStackTrace();
              System.exit(1);
            });
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(256));
    return vertx
        .createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(this::handle)
        .listen(settings.port());
  }

  private void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    RequestOptions forward =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(settings.upstreamHost())
            .setPort(settings.upstreamPort())
            .setURI(settings.upstreamPath());
    request.headers().forEach(h -> {
      if (!h.getKey().equalsIgnoreCase("host") && !h.getKey().equalsIgnoreCase("connection")
          && !h.getKey().equalsIgnoreCase("content-length")) {
        forward.addHeader(h.getKey(), h.getValue());
      }
    });
    request
        .body()
        .compose(body -> client.request(forward).compose(upstream -> upstream.send(encode(body))))
        .onSuccess(upstream -> relay(upstream, response))
        .onFailure(err -> {
          if (!response.headWritten()) {
            response.setStatusCode(502).end();
          } else {
            response.reset();
          }
        });
  }

  private Buffer encode(Buffer body) {
    return settings.json() ? new JsonObject(body).toBuffer() : body;
  }

  private static void relay(HttpClientResponse upstream, HttpServerResponse response) {
    response.setStatusCode(upstream.statusCode());
    String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, type);
    }
    String length = upstream.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    } else {
      response.setChunked(true);
    }
    upstream.pipeTo(response);
  }
}
