package dev.meridian.router;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends chat requests to provider endpoints over pooled keep-alive connections. One instance per
 * router verticle instance, created once and kept: a connection per request would add a TCP (and on
 * real providers a TLS) handshake to every TTFT.
 */
final class UpstreamClient {
  private final HttpClientAgent client;
  private final ApiKeys apiKeys;
  private final String routerRegion;
  private final long connectTimeoutMs;
  /**
   * Per endpoint URL, the request options of its streamed and of its JSON requests: everything but the
   * request id is the same for every request to an endpoint, so it is built once (URL parsed, headers
   * set, the authorization value concatenated) instead of per request. Never changed once built:
   * Vert.x reads an options object's headers only after a connection is obtained.
   */
  private final Map<String, Prepared> streamed = new ConcurrentHashMap<>();
  private final Map<String, Prepared> notStreamed = new ConcurrentHashMap<>();

  /** Options built for one URL, accept type and provider key (a key change rebuilds them). */
  private record Prepared(RequestOptions options, String apiKey) {}

  UpstreamClient(Vertx vertx, RouterOptions options, ApiKeys apiKeys) {
    this.apiKeys = apiKeys;
    this.routerRegion = options.getRegion();
    this.connectTimeoutMs = options.getConnectTimeoutMs();
    HttpClientOptions clientOptions =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setKeepAliveTimeout(60)
            .setTcpNoDelay(true)
            .setConnectTimeout((int) options.getConnectTimeoutMs())
            // Providers behind shared TLS front ends need the host name in the handshake.
            .setForceSni(true);
    PoolOptions poolOptions =
        new PoolOptions().setHttp1MaxSize(options.getUpstreamPoolSize()).setMaxWaitQueueSize(-1);
    this.client = vertx.createHttpClient(clientOptions, poolOptions);
  }

  /**
   * Opens a request to {@code endpoint}; the returned request has not been sent yet, so the caller can
   * keep a handle on it (to reset it when the client leaves) before sending with {@link #send}.
   */
  Future<HttpClientRequest> open(Endpoint endpoint, boolean stream) {
    String url = endpoint.upstreamUrl();
    String key = apiKeys.keyFor(endpoint.provider());
    Map<String, Prepared> cache = stream ? streamed : notStreamed;
    Prepared prepared = cache.get(url);
    if (prepared == null || !Objects.equals(prepared.apiKey(), key)) {
      prepared = new Prepared(prepare(url, stream, key), key);
      if (cache.size() < 100_000) {
        cache.put(url, prepared);
      }
    }
    return client.request(prepared.options());
  }

  /**
   * Opens a request to the surface's own API at {@code endpoint} (its URL, the key in the API's header,
   * the API's headers); not sent yet, as with {@link #open(Endpoint, boolean)}.
   */
  Future<HttpClientRequest> open(Endpoint endpoint, dev.meridian.router.surface.Surface.NativeCall call, boolean stream) {
    String key = apiKeys.keyFor(endpoint.provider());
    Map<String, Prepared> cache = stream ? streamed : notStreamed;
    Prepared prepared = cache.get(call.url());
    if (prepared == null || !Objects.equals(prepared.apiKey(), key)) {
      RequestOptions options = prepare(call.url(), stream, null);
      if (key != null) {
        options.putHeader(call.keyHeader(), key);
      }
      call.headers().forEach(options::putHeader);
      prepared = new Prepared(options, key);
      if (cache.size() < 100_000) {
        cache.put(call.url(), prepared);
      }
    }
    return client.request(prepared.options());
  }

  private RequestOptions prepare(String url, boolean stream, String key) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setConnectTimeout(connectTimeoutMs)
            .putHeader("content-type", "application/json")
            .putHeader("accept", stream ? "text/event-stream" : "application/json")
            .putHeader(MeridianHeaders.ROUTER_REGION, routerRegion);
    try {
      request.setAbsoluteURI(new java.net.URL(url));
    } catch (java.net.MalformedURLException e) {
      request.setAbsoluteURI(url); // reports what is wrong with it
    }
    if (key != null) {
      request.putHeader("authorization", "Bearer " + key);
    }
    return request;
  }

  /** Sends the opened request with its body and this exchange's request id. */
  static Future<io.vertx.core.http.HttpClientResponse> send(HttpClientRequest request, Buffer body, String requestId) {
    request.putHeader(MeridianHeaders.REQUEST_ID, requestId);
    return request.send(body);
  }

  Future<Void> close() {
    return client.close();
  }
}
