package dev.meridian.router;

import dev.meridian.router.trace.RequestTracing;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.routing.RetryBudget;
import dev.meridian.core.routing.RoutingRules;
import dev.meridian.router.surface.Surface;
import dev.meridian.router.surface.anthropic.CountTokensRoute;
import dev.meridian.router.surface.anthropic.MessagesSurface;
import dev.meridian.router.surface.chat.ChatCompletionsSurface;
import dev.meridian.router.surface.embeddings.EmbeddingsSurface;
import dev.meridian.router.surface.responses.ResponsesSurface;
import dev.meridian.router.surface.completions.CompletionsSurface;
import dev.meridian.core.translate.responses.ResponseItemStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible HTTP front: wires handlers and the upstream client, nothing more. Several
 * instances may be deployed (one per event loop); they share the health state and the catalog, both
 * immutable or atomically swapped.
 */
public final class RouterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RouterVerticle.class);

  private final Catalog catalog;
  private RoutingRules rules;
  private final RouterOptions options;
  private final HealthState health;
  private final HealthPolicy healthPolicy;
  private final ApiKeys apiKeys;
  private final BooleanSupplier ready;
  private final ExchangeListener listener;
  private ResilienceState resilience;
  private boolean ownsResilience;

  private HttpServer server;
  private UpstreamClient upstream;
  private io.micrometer.prometheusmetrics.PrometheusMeterRegistry metricsRegistry;
  private RequestGate gate = new RequestGate();
  private AccessControl access = AccessControl.open();
  private HttpServer adminServer;
  private FifoDeadlines bodyDeadlines;
  /** The POST routes the HTTP server serves directly, by exact path: one per surface. */
  private final java.util.Map<String, SurfaceRoute> surfaceRoutes = new java.util.HashMap<>();
  private RequestTracing tracing = RequestTracing.OFF;
  private long bodySweep = -1;
  private ResponseItemStore responseItems = ResponseItemStore.withDefaults();

  /** A router with its own breakers and blocklist; tests and single-instance use. */
  public RouterVerticle(
      Catalog catalog,
      RouterOptions options,
      HealthState health,
      HealthPolicy healthPolicy,
      ApiKeys apiKeys,
      BooleanSupplier ready,
      ExchangeListener listener) {
    this(catalog, options, health, healthPolicy, apiKeys, ready, listener, null);
  }

  /**
   * @param resilience the node's breakers and blocklist, shared by all router instances of the node
   *     and started by the caller; null to create (and start) a private one
   */
  public RouterVerticle(
      Catalog catalog,
      RouterOptions options,
      HealthState health,
      HealthPolicy healthPolicy,
      ApiKeys apiKeys,
      BooleanSupplier ready,
      ExchangeListener listener,
      ResilienceState resilience) {
    this.resilience = resilience;
    this.catalog = catalog;
    this.options = new RouterOptions(options);
    this.options.validate();
    this.health = health;
    this.healthPolicy = healthPolicy;
    this.apiKeys = apiKeys;
    this.ready = ready;
    this.listener = listener;
  }

  /** Routes on these (reloadable) rules instead of the fixed catalog given; call before deployment. */
  public RouterVerticle withRules(RoutingRules rules) {
    this.rules = rules;
    return this;
  }

  /** Serves {@code GET /metrics} from this registry; call before deployment. */
  public RouterVerticle withMetrics(io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry) {
    this.metricsRegistry = registry;
    return this;
  }

  /** Shares the node's drain switch and in-flight count; call before deployment. */
  public RouterVerticle withGate(RequestGate gate) {
    this.gate = gate;
    return this;
  }

  /** The output items the node's router instances served, for the Responses API's item references. */
  public RouterVerticle withResponseItems(ResponseItemStore items) {
    this.responseItems = items;
    return this;
  }

  /** Traces requests (docs/tracing.md); {@link RequestTracing#OFF} unless set. */
  public RouterVerticle withTracing(RequestTracing tracing) {
    this.tracing = tracing;
    return this;
  }

  /** Client keys and limits, shared by the node's router instances; open (no keys) unless set. */
  public RouterVerticle withAccess(AccessControl access) {
    this.access = access;
    return this;
  }

  /** This router's breakers and blocklist. */
  public ResilienceState resilience() {
    return resilience;
  }

  @Override
  public Future<?> start() {
    Future<Void> resilienceReady = Future.succeededFuture();
    if (resilience == null) {
      resilience = new ResilienceState(vertx, options.getRegion(), new ResilienceOptions());
      ownsResilience = true;
      resilienceReady = resilience.start();
    }
    upstream = new UpstreamClient(vertx, options, apiKeys);
    if (rules == null) {
      rules = new RoutingRules(catalog, healthPolicy);
    }
    RoutingRules live = rules;
    resilience.acceptPeerBlocksFor(endpointId -> live.catalog().hasEndpoint(endpointId));
    // Built from the catalog in force, again after each reload: a provider added later is redacted too.
    RuntimeRedactor redactor = new RuntimeRedactor(rules, apiKeys);
    ResilienceOptions resilienceOptions = resilience.options();
    // One budget per instance (per event loop): no contention, and the cap holds per node.
    RetryBudget retryBudget =
        new RetryBudget(
            resilienceOptions.getRetryBudgetRatio(),
            resilienceOptions.getRetryBudgetWindowSeconds(),
            resilienceOptions.getRetryBudgetMinPerWindow());
    String region = options.getRegion();
    ExchangeDriver.Context exchangeContext =
        new ExchangeDriver.Context(
            vertx,
            options,
            upstream,
            resilience,
            retryBudget,
            redactor,
            listener,
            endpoint -> health.current().get(region, endpoint.model().id(), endpoint.region()));

    Router router = Router.router(vertx);
    TenancyMetrics tenancyMetrics = new TenancyMetrics(metricsRegistry);
    RequestPipeline pipeline =
        new RequestPipeline(
            access, tenancyMetrics, options, rules, health, resilience, exchangeContext, gate, System::currentTimeMillis);
    bodyDeadlines = new FifoDeadlines(options.getBodyReadTimeoutMs());
    // Swept at a tenth of the timeout (at most each second): a slow body is cut off up to 10% late.
    long sweepMs = Math.max(10, Math.min(1_000, options.getBodyReadTimeoutMs() / 10));
    bodySweep = vertx.setPeriodic(sweepMs, id -> bodyDeadlines.sweep(monotonicMs()));
    // Every surface is one adapter on the same pipeline: register it here, and that is all it takes.
    for (Surface surface : java.util.List.<Surface>of(
        new ChatCompletionsSurface(redactor), new EmbeddingsSurface(), new MessagesSurface(redactor, rules::catalog),
        new ResponsesSurface(redactor, rules::catalog, responseItems), new CompletionsSurface(redactor))) {
      SurfaceRoute route =
          new SurfaceRoute(surface, access, tenancyMetrics, options.getMaxBodyBytes(), bodyDeadlines,
              RouterVerticle::monotonicMs, pipeline, listener, tracing);
      surfaceRoutes.put(surface.path(), route);
      // The exact path skips the router (see serve); spellings it normalises to the same path come here.
      router.post(surface.path()).handler(ctx -> route.handle(ctx.request()));
    }
    new CountTokensRoute(access::authenticate, rules::catalog, options.getMaxBodyBytes()).mountOn(router);
    // Authentication comes first, before any body is read: an unknown caller costs a hash, not 2 MiB.
    router.route("/v1/*").handler(ctx -> authenticate(ctx, tenancyMetrics));
    new ModelsHandler(rules, health, healthPolicy, region, System::currentTimeMillis).mountOn(router);
    // Metrics and status: on this port, or on one of their own; behind admin keys when configured.
    Router admin = options.hasAdminPort() ? Router.router(vertx) : router;
    for (String path : ADMIN_PATHS) {
      admin.route(path).handler(this::adminGate);
    }
    if (metricsRegistry != null) {
      admin.get("/metrics").handler(new MetricsHandler(metricsRegistry));
    }
    admin
        .get("/status.json")
        .handler(new StatusHandler(access, rules, health, healthPolicy, resilience, region, metricsRegistry));
    io.vertx.core.buffer.Buffer statusPage = statusPage();
    admin.get("/").handler(ctx -> ctx.redirect("/status"));
    admin
        .get("/status")
        .handler(ctx -> ctx.response().putHeader("content-type", "text/html; charset=utf-8").end(statusPage));
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    router
        .get("/readyz")
        .handler(
            ctx -> {
              boolean isReady = ready.getAsBoolean() && !gate.isClosing();
              json(
                  ctx,
                  isReady ? 200 : 503,
                  new JsonObject()
                      .put("status", isReady ? "ready" : gate.isClosing() ? "draining" : "starting")
                      .put("region", options.getRegion())
                      .put("healthRecords", health.current().size()));
            });
    router.route().last().handler(this::notFound);
    router.route().failureHandler(this::onFailure);
    if (admin != router) {
      admin.route().last().handler(ctx -> ErrorResponder.send(ctx.response(), OpenAiError.notFound(ctx.normalizedPath())));
      admin.route().failureHandler(this::onFailure);
    }

    HttpServerOptions serverOptions =
        new HttpServerOptions()
            .setHost(options.getHost())
            .setPort(options.getPort())
            .setTcpNoDelay(true)
            .setIdleTimeout(120)
            // Bounded headers: OpenAI clients send a handful; kilobytes more are an attack.
            .setMaxHeaderSize(16 * 1024)
            .setMaxInitialLineLength(4096)
            .setCompressionSupported(false);
    Future<Void> adminReady = Future.succeededFuture();
    if (admin != router) {
      HttpServerOptions adminOptions =
          new HttpServerOptions(serverOptions).setHost(options.getAdminHost()).setPort(options.getAdminPort());
      adminReady =
          vertx.createHttpServer(adminOptions).requestHandler(admin).listen().onSuccess(s -> adminServer = s).mapEmpty();
    }
    Future<Void> adminListening = adminReady;
    return resilienceReady
        .compose(ignored -> adminListening)
        .compose(ignored -> vertx.createHttpServer(serverOptions).requestHandler(request -> serve(request, router)).listen())
        .onSuccess(
            listening -> {
              server = listening;
              LOG.debug("router instance listening on {}:{}", options.getHost(), listening.actualPort());
            });
  }

  private void authenticate(RoutingContext ctx, TenancyMetrics tenancyMetrics) {
    try {
      ctx.put(AccessControl.CLIENT, access.authenticate(ctx.request()));
    } catch (OpenAiException e) {
      tenancyMetrics.authFailed(e.error().code());
      ctx.response().putHeader("www-authenticate", "Bearer realm=\"meridian\"");
      ctx.fail(e);
      return;
    }
    ctx.next();
  }

  /**
   * The hot route straight to its handler, everything else through Vert.x Web: no routing context,
   * route walk or body handler on the route that carries the traffic (about 2% of the router's CPU,
   * bench/ab.sh in docs/performance.md), and the body read under SurfaceRoute.s own limits and deadline.
   */
  private void serve(io.vertx.core.http.HttpServerRequest request, Router router) {
    SurfaceRoute route = request.method() == HttpMethod.POST ? surfaceRoutes.get(request.path()) : null;
    if (route != null) {
      route.handle(request);
    } else {
      router.handle(request);
    }
  }

  private void adminGate(RoutingContext ctx) {
    if (access.admitsAdmin(ctx.request())) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("www-authenticate", "Basic realm=\"meridian-admin\"");
    ErrorResponder.send(
        ctx.response(),
        OpenAiError.unauthenticated("admin_key_required", "This page needs an admin key (Bearer, or as the basic-auth password)."));
  }

  /** The status page, read once from the jar: one self-contained HTML file polling /status.json. */
  private static io.vertx.core.buffer.Buffer statusPage() {
    try (java.io.InputStream in = RouterVerticle.class.getClassLoader().getResourceAsStream("status/index.html")) {
      if (in == null) {
        throw new IllegalStateException("status/index.html missing from the router jar");
      }
      return io.vertx.core.buffer.Buffer.buffer(in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Deadlines run on this: a wall-clock step must neither cut every upload nor lift the limit. */
  private static long monotonicMs() {
    return System.nanoTime() / 1_000_000;
  }

  /** The bound port; useful when configured with port 0. */
  public int actualPort() {
    return server.actualPort();
  }

  /** The admin listener's port, or the main port when metrics and status share it. */
  public int actualAdminPort() {
    return adminServer == null ? server.actualPort() : adminServer.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (bodySweep >= 0) {
      vertx.cancelTimer(bodySweep);
    }
    Future<Void> closed = upstream == null ? Future.succeededFuture() : upstream.close();
    return ownsResilience ? closed.eventually(() -> resilience.stop()) : closed;
  }

  /** Served on the admin port when there is one, else on the main port behind the admin gate. */
  private static final java.util.List<String> ADMIN_PATHS = java.util.List.of("/", "/status", "/status.json", "/metrics");

  private void notFound(RoutingContext ctx) {
    io.vertx.core.http.HttpServerRequest request = ctx.request();
    OpenAiError error =
        new ServedEndpoints(!options.hasAdminPort())
            .unserved(request.method().name(), ctx.normalizedPath(), request.scheme(), request.getHeader("host"));
    ErrorResponder.sendFor(request, error);
  }

  private void onFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.response().closed() || failure instanceof io.vertx.core.http.HttpClosedException) {
      // The client hung up: nobody to answer, nothing failed.
      LOG.debug("request abandoned by the client before it was read: {}", String.valueOf(failure));
      return;
    }
    OpenAiError error;
    if (failure instanceof OpenAiException openAi) {
      error = openAi.error();
      if (openAi.retryAfterSeconds() >= 0) {
        ctx.response().putHeader("retry-after", Long.toString(openAi.retryAfterSeconds()));
      }
    } else if (ctx.statusCode() == 413) {
      error = OpenAiError.requestTooLarge(options.getMaxBodyBytes());
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error = OpenAiError.invalidRequest("bad_request", "The request could not be read.", null);
      error = new OpenAiError(ctx.statusCode(), error.type(), error.code(), error.message(), null);
    } else {
      error = ErrorResponder.toError(failure);
    }
    if (ctx.request().method() == HttpMethod.HEAD) {
      ctx.response().setStatusCode(error.status()).end();
      return;
    }
    ErrorResponder.sendFor(ctx.request(), error);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.toBuffer());
  }
}
