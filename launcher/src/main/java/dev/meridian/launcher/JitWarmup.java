package dev.meridian.launcher;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthState;
import dev.meridian.router.ExchangeListener;
import dev.meridian.router.RouterOptions;
import dev.meridian.router.RouterVerticle;
import dev.meridian.simulator.SimulatedProviders;
import dev.meridian.simulator.SimulatorOptions;
import dev.meridian.simulator.SimulatorVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the request path hot before a node reports ready. A fresh JVM runs it several times slower
 * for its first minute of traffic while C2 compiles (docs/performance.md: ~3k req/s after 15 s of load,
 * ~9-10k after 60 s on a 2-core machine), so without this the first clients of a new pod pay for the JIT.
 *
 * <p>It sends {@code requests} chat completions (a quarter streamed) through a throwaway router instance
 * to a throwaway simulator, both on 127.0.0.1 and random ports, then undeploys both. Nothing of it
 * reaches a provider, the cluster or the node's metrics: the router has its own registry, no client
 * keys, no provider keys, and the region {@value #REGION}, so its breaker events go to an event-bus
 * address no router listens on. The compiled code is the JVM's, shared with the real router instances.
 */
final class JitWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(JitWarmup.class);
  static final String REGION = "jit-warmup";
  private static final int CONCURRENCY = 16;

  /** How a warm-up went. */
  record Result(int sent, int succeeded, long elapsedMs) {}

  private JitWarmup() {}

  static Future<Result> run(Vertx vertx, Catalog catalog, HealthPolicy policy, int requests) {
    long started = System.nanoTime();
    SimulatorVerticle simulator =
        new SimulatorVerticle(
            catalog, new SimulatorOptions().setHost("127.0.0.1").setPort(0).setLatencyScale(0).setJitterRatio(0));
    String[] deployments = new String[2];
    HttpClient client =
        vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(CONCURRENCY));
    return vertx.deployVerticle(simulator)
        .compose(id -> {
          deployments[0] = id;
          RouterVerticle router =
              new RouterVerticle(
                      SimulatedProviders.pointAt(catalog, simulator, "127.0.0.1"),
                      new RouterOptions().setRegion(REGION).setHost("127.0.0.1").setPort(0),
                      new HealthState(),
                      policy,
                      ApiKeys.of(java.util.Map.of()),
                      () -> true,
                      ExchangeListener.NONE)
                  .withMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
          return vertx.deployVerticle(router).map(routerId -> {
            deployments[1] = routerId;
            return router.actualPort();
          });
        })
        .compose(port -> drive(client, port, firstModel(catalog), requests))
        .map(ok -> new Result(requests, ok, (System.nanoTime() - started) / 1_000_000))
        .eventually(() -> client.close())
        .eventually(() -> undeploy(vertx, deployments[1]))
        .eventually(() -> undeploy(vertx, deployments[0]))
        .onSuccess(result -> LOG.info("JIT warm-up: {} requests through a throwaway router, {} ok, in {} ms",
            result.sent(), result.succeeded(), result.elapsedMs()));
  }

  private static Future<Void> undeploy(Vertx vertx, String deploymentId) {
    return deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
  }

  /** Which chat model does not matter to the JIT: any one with an endpoint exercises the whole path. */
  private static String firstModel(Catalog catalog) {
    return catalog.endpoints().stream()
        .filter(endpoint -> endpoint.model().kind() == dev.meridian.core.catalog.ModelKind.CHAT)
        .findFirst()
        .orElse(catalog.endpoints().get(0))
        .model()
        .id();
  }

  /** Keeps {@link #CONCURRENCY} requests in flight until {@code total} have been answered. */
  private static Future<Integer> drive(HttpClient client, int port, String model, int total) {
    Promise<Integer> done = Promise.promise();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger succeeded = new AtomicInteger();
    Buffer json = body(model, false);
    Buffer streamed = body(model, true);
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      int n = started.getAndIncrement();
      if (n >= total) {
        return;
      }
      client
          .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
              .setURI("/v1/chat/completions").putHeader("content-type", "application/json"))
          .compose(request -> request.send(n % 4 == 3 ? streamed : json))
          .compose(response -> response.body().map(ignored -> response.statusCode()))
          .onComplete(status -> {
            if (status.succeeded() && status.result() == 200) {
              succeeded.incrementAndGet();
            }
            if (finished.incrementAndGet() == total) {
              done.complete(succeeded.get());
            } else {
              next[0].run();
            }
          });
    };
    if (total <= 0) {
      return Future.succeededFuture(0);
    }
    for (int i = 0; i < Math.min(CONCURRENCY, total); i++) {
      next[0].run();
    }
    return done.future();
  }

  private static Buffer body(String model, boolean stream) {
    return new JsonObject()
        .put("model", model)
        .put("stream", stream)
        .put("max_tokens", 16)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content",
            "Warm-up request: explain in one sentence why a router measures time to first token.")))
        .toBuffer();
  }
}
