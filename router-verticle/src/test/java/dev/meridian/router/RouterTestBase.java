package dev.meridian.router;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.simulator.SimulatedProviders;
import dev.meridian.simulator.SimulatorOptions;
import dev.meridian.simulator.SimulatorVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a simulator and one router on random ports. Health is set by hand through {@link #observe} so
 * each test controls the route it expects; the health verticle's own tests live in its module and the
 * launcher's integration tests run both together.
 */
@ExtendWith(VertxExtension.class)
abstract class RouterTestBase {
  static final String REGION = "us-east";
  static final HealthPolicy POLICY = HealthPolicy.DEFAULT;
  /** Simulated delays at 4% of the published figures: a 600 ms TTFT becomes 24 ms. */
  static final double LATENCY_SCALE = 0.04;

  Vertx vertx;
  SimulatorVerticle simulator;
  Catalog catalog;
  HealthState health;
  RouterVerticle router;
  PrometheusMeterRegistry registry;
  HttpClient client;
  /** Admin calls use their own connections: a test's faults must never share a socket with its traffic. */
  HttpClient adminClient;
  final AtomicReference<ExchangeRecord> lastExchange = new AtomicReference<>();
  /**
   * Every exchange record, in the order the router reported them. A record is reported when its exchange
   * ends, which can be after the client has its reply (and after a later request's record), so tests
   * await the record they expect here instead of reading {@link #lastExchange} at once.
   */
  final java.util.concurrent.ConcurrentLinkedQueue<ExchangeRecord> exchanges =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Hook for subclasses: the router's catalog, given the default one pointed at the simulator. */
  Catalog catalog(Catalog pointedAtSimulator) {
    return pointedAtSimulator;
  }

  /** Hook for subclasses to adjust options before start. */
  RouterOptions routerOptions() {
    return new RouterOptions().setRegion(REGION).setPort(0).setMaxBodyBytes(64 * 1024);
  }

  SimulatorOptions simulatorOptions() {
    return new SimulatorOptions().setPort(0).setLatencyScale(LATENCY_SCALE).setJitterRatio(0);
  }

  ApiKeys apiKeys() {
    return ApiKeys.of(Map.of());
  }

  /** Client keys and limits; open (no keys) unless a test sets some. */
  AccessControl access() {
    return AccessControl.open();
  }

  ResilienceOptions resilienceOptions() {
    return new ResilienceOptions();
  }

  /** How the router traces requests; off unless a test traces. */
  dev.meridian.router.trace.RequestTracing tracing() {
    return dev.meridian.router.trace.RequestTracing.OFF;
  }

  /** The router's drain gate; a test that drains keeps a handle on it. */
  RequestGate gate() {
    return new RequestGate();
  }

  @BeforeEach
  void startSimulatorAndRouter() throws Exception {
    vertx = Vertx.vertx();
    Catalog defaults = CatalogLoader.loadDefault();
    simulator = new SimulatorVerticle(defaults, simulatorOptions());
    await(vertx.deployVerticle(simulator));
    catalog = catalog(SimulatedProviders.pointAt(defaults, "127.0.0.1", simulator.actualPort()));
    health = new HealthState();
    ResilienceState resilience = new ResilienceState(vertx, REGION, resilienceOptions());
    await(resilience.start());
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RouterMetrics metrics = new RouterMetrics(registry, catalog);
    resilience.addListener(metrics);
    ExchangeListener listener = record -> {
      metrics.onExchange(record);
      lastExchange.set(record);
      exchanges.add(record);
    };
    router =
        new RouterVerticle(catalog, routerOptions(), health, POLICY, apiKeys(), () -> true, listener, resilience)
            .withMetrics(registry)
            .withGate(gate())
            .withAccess(access())
            .withTracing(tracing());
    await(vertx.deployVerticle(router));
    // Fresh connections per request: a JUnit-thread client reusing keep-alive connections has been
    // seen to stall here; pooled keep-alive itself is exercised by the router's upstream client.
    client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
    adminClient = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(20, TimeUnit.SECONDS);
  }

  /**
   * Runs {@code call} on a context of the test's Vert.x and waits for it: with Vert.x 5.0.8 a request
   * started on the JUnit thread now and then never completes; started on an event loop it always does.
   */
  <T> T onContext(Supplier<Future<T>> call) throws Exception {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> {
      try {
        call.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.tryFail(e);
      }
    });
    return await(promise.future());
  }

  /** Records a healthy probe of {@code model@endpointRegion} from this router's region with this TTFT. */
  void observe(String model, String endpointRegion, double ttftMs) {
    HealthKey key = new HealthKey(REGION, model, endpointRegion);
    EndpointHealth previous = health.current().get(key);
    EndpointHealth base = previous == null ? EndpointHealth.unobserved(key) : previous;
    health.put(base.record(ProbeResult.success(key, System.currentTimeMillis(), ttftMs, 50), POLICY));
  }

  /** Records failed probes until the endpoint is unhealthy from this router's region. */
  void observeDown(String model, String endpointRegion) {
    HealthKey key = new HealthKey(REGION, model, endpointRegion);
    EndpointHealth record = health.current().get(key);
    if (record == null) {
      record = EndpointHealth.unobserved(key);
    }
    while (record.healthy()) {
      record =
          record.record(
              ProbeResult.failure(key, System.currentTimeMillis(), ProbeOutcome.CONNECT_ERROR, 0, "down"),
              POLICY);
    }
    health.put(record);
  }

  static JsonObject chat(String model, boolean stream) {
    return new JsonObject(
        "{\"model\":\"" + model + "\",\"stream\":" + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Explain recursion in 200 words\"}]}");
  }

  /** A response read whole. */
  record Reply(int status, Map<String, String> headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }

    String header(String name) {
      return headers.get(name.toLowerCase());
    }
  }

  Reply post(String path, String body) throws Exception {
    return send(HttpMethod.POST, path, body == null ? null : Buffer.buffer(body), Map.of());
  }

  Reply send(HttpMethod method, String path, Buffer body, Map<String, String> headers) throws Exception {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(router.actualPort())
            .setURI(path)
            .putHeader("content-type", "application/json");
    headers.forEach(options::putHeader);
    return onContext(() ->
        client
            .request(options)
            .compose(request -> body == null ? request.send() : request.send(body))
            .compose(response -> response.body().map(b -> toReply(response, b))));
  }

  static Reply toReply(HttpClientResponse response, Buffer body) {
    Map<String, String> headers = new java.util.HashMap<>();
    response.headers().forEach(entry -> headers.put(entry.getKey().toLowerCase(), entry.getValue()));
    return new Reply(response.statusCode(), headers, body);
  }

  JsonObject simulatorAdmin(HttpMethod method, String path, JsonObject body) throws Exception {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(simulator.actualPort())
            .setURI(path);
    Buffer reply =
        onContext(() ->
            adminClient
                .request(options)
                .compose(r -> body == null ? r.send() : r.send(body.toBuffer()))
                .compose(
                    response -> {
                      if (response.statusCode() >= 300) {
                        return Future.failedFuture("simulator admin " + path + " -> " + response.statusCode());
                      }
                      return response.body();
                    }));
    return reply.length() == 0 ? new JsonObject() : reply.toJsonObject();
  }

  void fault(String model, String region, JsonObject spec) throws Exception {
    simulatorAdmin(HttpMethod.PUT, "/admin/faults/" + model + "/" + region, spec);
  }

  /** Polls {@code condition} on a timer until it holds; no fixed sleeps. */
  static void awaitCondition(Duration timeout, Supplier<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  /** Waits until the router has reported an exchange that matches, and returns it. */
  ExchangeRecord awaitExchange(java.util.function.Predicate<ExchangeRecord> matching) throws Exception {
    ExchangeRecord[] found = new ExchangeRecord[1];
    awaitCondition(java.time.Duration.ofSeconds(5), () -> {
      for (ExchangeRecord record : exchanges) {
        if (matching.test(record)) {
          found[0] = record;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }
}
