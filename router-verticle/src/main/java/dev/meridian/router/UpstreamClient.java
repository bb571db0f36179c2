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
  /** Each endpoint's URL parsed once (what setAbsoluteURI(String) would parse per request). */
  private final java.util.Map<String, java.net.URL> urls = new java.util.concurrent.ConcurrentHashMap<>();

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
   * keep a handle on it (to reset it when the client leaves) before sending.
   */
  Future<HttpClientRequest> open(Endpoint endpoint, boolean stream, String requestId) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setConnectTimeout(connectTimeoutMs)
            .putHeader("content-type", "application/json")
            .putHeader("accept", stream ? "text/event-stream" : "application/json")
            .putHeader(MeridianHeaders.ROUTER_REGION, routerRegion)
            .putHeader(MeridianHeaders.REQUEST_ID, requestId);
    java.net.URL url = urlOf(endpoint.chatCompletionsUrl());
    if (url != null) {
      request.setAbsoluteURI(url);
    } else {
      request.setAbsoluteURI(endpoint.chatCompletionsUrl());
    }
    String key = apiKeys.keyFor(endpoint.provider());
    if (key != null) {
      request.putHeader("authorization", "Bearer " + key);
    }
    return client.request(request);
  }

  /** The parsed URL, or null when it does not parse (setAbsoluteURI(String) then reports it). */
  private java.net.URL urlOf(String text) {
    java.net.URL url = urls.get(text);
    if (url == null) {
      try {
        url = new java.net.URL(text);
      } catch (java.net.MalformedURLException e) {
        return null;
      }
      if (urls.size() < 100_000) {
        urls.put(text, url);
      }
    }
    return url;
  }

  static Future<io.vertx.core.http.HttpClientResponse> send(HttpClientRequest request, Buffer body) {
    return request.send(body);
  }

  Future<Void> close() {
    return client.close();
  }
}
