package dev.meridian.simulator;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.openai.OpenAiError;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server simulating every catalog model's provider in every region it is served from, with
 * the published latency profile ({@link LatencyProfile}), caller distance, and run-time faults. Deploy
 * one instance: all its state lives on its event loop, and {@link #faults()} and {@link #stats()} are
 * safe to use from test threads.
 *
 * <p>Routes: {@code POST /{region}/{provider}/v1/chat/completions}, {@code GET
 * /{region}/{provider}/v1/models}, {@code POST /{region}/{provider}/anthropic/v1/messages} for the
 * providers whose catalog entry declares a Messages API, {@code /admin/faults...}, {@code /admin/stats}, {@code GET /healthz}.
 * Point a catalog at it with {@link SimulatedProviders#pointAt}.
 */
public final class SimulatorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SimulatorVerticle.class);

  private final Catalog catalog;
  private final SimulatorOptions options;
  private final FaultRegistry faults = new FaultRegistry();
  private final SimulatorStats stats = new SimulatorStats();
  private volatile HttpServer server;

  public SimulatorVerticle(Catalog catalog, SimulatorOptions options) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.options = new SimulatorOptions(Objects.requireNonNull(options, "options"));
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> Replies.json(ctx.response(), 200, new JsonObject().put("status", "ok")));
    new AdminApi(catalog, faults, stats).mount(router);
    ProviderApi providers =
        new ProviderApi(vertx, catalog, options, faults, stats, new Random(options.getSeed()));
    providers.mount(router);
    new AnthropicApi(catalog, providers).mount(router);
    new EmbeddingsApi(vertx, catalog, options, providers, faults, stats, new Random(options.getSeed() + 1)).mount(router);
    router.errorHandler(404, ctx -> Replies.error(ctx.response(), OpenAiError.notFound(ctx.request().path())));
    router.errorHandler(
        405,
        ctx ->
            Replies.error(
                ctx.response(),
                OpenAiError.methodNotAllowed(ctx.request().method().name(), ctx.request().path())));
    router.errorHandler(413, ctx -> Replies.error(ctx.response(), OpenAiError.requestTooLarge(ctx.request().bytesRead())));
    router.errorHandler(
        500,
        ctx -> {
          log.error("Simulator failed on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
          if (!ctx.response().ended() && !ctx.response().headWritten()) {
            Replies.error(ctx.response(), OpenAiError.internal());
          }
        });

    HttpServerOptions serverOptions =
        new HttpServerOptions()
            .setHost(options.getHost())
            .setPort(options.getPort())
            .setTcpNoDelay(true);
    return vertx
        .createHttpServer(serverOptions)
        .requestHandler(router)
        .listen()
        .onSuccess(
            started -> {
              server = started;
              log.info(
                  "Simulator listening on {}:{} with {} endpoints ({})",
                  options.getHost(),
                  started.actualPort(),
                  providers.endpointCount(),
                  options);
            });
  }

  @Override
  public Future<?> stop() {
    HttpServer running = server;
    server = null;
    return running == null ? Future.succeededFuture() : running.close();
  }

  /** The port listened on; differs from the options when they asked for 0. */
  public int actualPort() {
    HttpServer running = server;
    if (running == null) {
      throw new IllegalStateException("the simulator is not started");
    }
    return running.actualPort();
  }

  public FaultRegistry faults() {
    return faults;
  }

  public SimulatorStats stats() {
    return stats;
  }

  public SimulatorOptions options() {
    return new SimulatorOptions(options);
  }

  public Catalog catalog() {
    return catalog;
  }
}
