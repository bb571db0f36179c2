package dev.meridian.launcher;

import com.hazelcast.core.HazelcastInstance;
import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogException;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.CleartextUpstream;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.health.PeerHealthRecords;
import dev.meridian.health.HazelcastHealthStore;
import dev.meridian.health.HazelcastRegionMembership;
import dev.meridian.health.HealthOptions;
import dev.meridian.health.HealthStore;
import dev.meridian.health.HealthVerticle;
import dev.meridian.health.LocalHealthStore;
import dev.meridian.health.RegionMembership;
import dev.meridian.health.SingleNodeMembership;
import dev.meridian.router.ExchangeListener;
import dev.meridian.router.ResilienceState;
import dev.meridian.core.routing.RoutingRules;
import dev.meridian.router.RequestGate;
import dev.meridian.router.RouterMetrics;
import dev.meridian.router.RouterOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import dev.meridian.router.RouterVerticle;
import dev.meridian.simulator.SimulatedProviders;
import dev.meridian.simulator.SimulatorOptions;
import dev.meridian.simulator.SimulatorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Meridian process: Vert.x (clustered or not), the simulator when embedded, the health
 * store, the health verticle and the router verticles, started in that order. Used by {@link Main} and
 * by integration tests, which start several nodes in one JVM.
 */
public final class MeridianNode {
  private static final Logger LOG = LoggerFactory.getLogger(MeridianNode.class);

  private final MeridianConfig config;
  private final Vertx vertx;
  private final HealthState healthState;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<RouterVerticle> routers = new CopyOnWriteArrayList<>();
  private final dev.meridian.core.translate.responses.ResponseItemStore responseItems =
      dev.meridian.core.translate.responses.ResponseItemStore.withDefaults();
  private Catalog catalog;
  private SimulatorVerticle simulator;
  private HealthStore store;
  private HealthVerticle healthVerticle;
  private CatalogWatcher catalogWatcher;
  private ResilienceState resilience;
  private final RequestGate gate = new RequestGate();
  private java.util.function.UnaryOperator<Catalog> adapt = java.util.function.UnaryOperator.identity();
  private RoutingRules rules;
  private String healthDeploymentId;
  private HealthOptions healthOptions;
  private RegionMembership membership;
  private ApiKeys apiKeys;
  private volatile JitWarmup.Result warmup;
  private dev.meridian.router.AccessControl access;
  private ClusterUsageSync usageSync;

  /** Null when standalone. */
  private final HazelcastClusterManager clusterManager;

  private final PrometheusMeterRegistry registry;
  private final Telemetry telemetry;

  private MeridianNode(
      MeridianConfig config, Vertx vertx, HazelcastClusterManager clusterManager, PrometheusMeterRegistry registry,
      Telemetry telemetry) {
    this.config = config;
    this.telemetry = telemetry;
    this.vertx = vertx;
    // One probe round of this node's own evidence outranks what peers write for the same key.
    this.healthState = new HealthState(config.probeIntervalMs() + PeerHealthRecords.MAX_CLOCK_SKEW_MS);
    this.clusterManager = clusterManager;
    this.registry = registry;
  }

  /** Starts a node; the future completes when it listens (readiness follows the first probe round). */
  public static Future<MeridianNode> start(MeridianConfig config, Map<String, String> env, ExchangeListener listener) {
    boolean clustered = config.clustered() && config.command() != MeridianConfig.Command.SIMULATOR;
    HazelcastClusterManager clusterManager =
        clustered
            ? ClusterConfigFactory.clusterManager(config.clusterConfigPath(), config.region(), env)
            : null;
    Telemetry telemetry;
    try {
      telemetry = Telemetry.start(config, env);
    } catch (RuntimeException e) {
      // A malformed OTEL_* value: refuse to start rather than run without the traces asked for.
      return Future.failedFuture(new IllegalArgumentException("tracing: " + e.getMessage(), e));
    }
    // With tracing on, the latency histograms carry the recorded requests' trace ids as exemplars.
    PrometheusMeterRegistry registry = telemetry.enabled()
        ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new io.prometheus.metrics.model.registry.PrometheusRegistry(),
            io.micrometer.core.instrument.Clock.SYSTEM, new dev.meridian.router.trace.TraceExemplars())
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Before any meter exists: a client's made-up HTTP method must not become a label value.
    registry.config().meterFilter(new BoundedHttpLabels());
    io.vertx.core.transport.Transport transport;
    try {
      transport = NodeOptions.transport(config.transport());
    } catch (IllegalStateException e) {
      telemetry.close(1_000);
      return Future.failedFuture(e);
    }
    return createVertx(clusterManager, registry, env, config.vertxHttpMetrics(), transport)
        .compose(
            vertx -> {
              MeridianNode node = new MeridianNode(config, vertx, clusterManager, registry, telemetry);
              return node.startComponents(env, listener)
                  .map(node)
                  .recover(failure -> vertx.close().transform(ignored -> {
                    telemetry.close(1_000);
                    return Future.failedFuture(failure);
                  }));
            });
  }

  private static Future<Vertx> createVertx(
      HazelcastClusterManager clusterManager,
      PrometheusMeterRegistry registry,
      Map<String, String> env,
      boolean vertxHttpMetrics,
      io.vertx.core.transport.Transport transport) {
    // Vert.x's own pool and event-bus metrics, and the JVM's, go to the same registry.
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true);
    if (!vertxHttpMetrics) {
      // Per-request meters on both sides of the proxy that meridian_requests_* and meridian_upstream_*
      // already cover; they were ~5% of the router's CPU at saturation (docs/performance.md).
      metrics.addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.HTTP_SERVER)
          .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.HTTP_CLIENT);
    }
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics);
    var builder =
        Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).withTransport(transport);
    if (clusterManager == null) {
      return Future.succeededFuture(builder.build());
    }
    options.getEventBusOptions()
        .setHost(ClusterConfigFactory.clusterHost(env))
        .setPort(ClusterConfigFactory.eventBusPort(env));
    return builder.withClusterManager(clusterManager).buildClustered();
  }

  private Future<Void> startComponents(Map<String, String> env, ExchangeListener listener) {
    // The environment the node was started with (the process's, from Main), so tests can pass keys in.
    apiKeys = new ApiKeys(env::get);
    if (config.command() == MeridianConfig.Command.EMBEDDED || config.command() == MeridianConfig.Command.ROUTER) {
      try {
        access = ClientAccess.resolve(config);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
      if (access.isOpen()) {
        LOG.warn("client authentication is OFF (--auth open): every caller that reaches port {} spends provider credit",
            config.port());
      } else if (config.keysFile().equals(ClientAccess.DEMO) && config.command() == MeridianConfig.Command.ROUTER) {
        LOG.warn("this router accepts the PUBLIC demo keys (--keys-file demo): for tests and benchmarks only");
      }
    }
    Catalog loaded =
        config.catalogPath().isBlank()
            ? CatalogLoader.loadDefault()
            : CatalogLoader.load(Path.of(config.catalogPath()));
    return switch (config.command()) {
      case SIMULATOR -> startSimulator(loaded, config.port()).mapEmpty();
      case EMBEDDED -> startSimulator(loaded, config.simulatorPort())
          .compose(port -> {
            adapt = catalog -> SimulatedProviders.pointAt(catalog, "127.0.0.1", port);
            return startRouting(adapt.apply(loaded), listener);
          });
      case ROUTER -> {
        adapt = this::rebaseIfAsked;
        yield startRouting(adapt.apply(loaded), listener);
      }
      case HELP, BENCH, KEYS -> Future.failedFuture(new IllegalStateException(config.command() + " is not a node"));
    };
  }

  /**
   * Refuses a catalog that would send a provider key in cleartext off this machine, or, when the
   * operator allowed it, warns once per provider and region. Runs at start and on every reload.
   *
   * @throws CatalogException naming each provider and region (never a key)
   */
  private Catalog guardCleartext(Catalog catalog) {
    List<CleartextUpstream> found = apiKeys.cleartextUpstreams(catalog);
    if (found.isEmpty()) {
      return catalog;
    }
    if (!config.allowCleartextUpstreams()) {
      throw new CatalogException(CleartextUpstream.refusal(found));
    }
    for (CleartextUpstream upstream : found) {
      LOG.warn("provider '{}' in region '{}': its API key goes in cleartext to {} (--allow-cleartext-upstreams true)",
          upstream.provider(), upstream.region(), upstream.where());
    }
    return catalog;
  }

  private Catalog rebaseIfAsked(Catalog loaded) {
    String url = config.simulatorUrl();
    if (url == null || url.isBlank()) {
      return loaded;
    }
    java.net.URI uri = java.net.URI.create(url);
    return SimulatedProviders.pointAt(loaded, uri.getHost(), uri.getPort());
  }

  private Future<Integer> startSimulator(Catalog loaded, int port) {
    SimulatorOptions options =
        new SimulatorOptions()
            .setHost(config.command() == MeridianConfig.Command.SIMULATOR ? config.host() : "127.0.0.1")
            .setPort(port)
            .setLatencyScale(config.latencyScale())
            .setJitterRatio(config.simulatorJitter())
            .setDialects(config.simulatorDialects());
    simulator = new SimulatorVerticle(loaded, options);
    return vertx.deployVerticle(simulator).map(id -> simulator.actualPort());
  }

  private Future<Void> startRouting(Catalog routed, ExchangeListener listener) {
    try {
      guardCleartext(routed);
    } catch (CatalogException e) {
      return Future.failedFuture(e);
    }
    this.catalog = routed;
    HealthPolicy policy =
        HealthPolicy.forProbeInterval(config.probeIntervalMs()).withFailureThreshold(config.failureThreshold());
    if (clusterManager != null) {
      HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
      store = new HazelcastHealthStore(vertx, hazelcast, healthState);
      membership = new HazelcastRegionMembership(hazelcast, config.region());
    } else {
      store = new LocalHealthStore(healthState);
      membership = new SingleNodeMembership(config.region());
    }
    healthOptions = NodeOptions.health(config, policy);
    RouterOptions routerOptions = NodeOptions.router(config);
    rules = new RoutingRules(routed, policy);
    resilience = new ResilienceState(vertx, config.region(), NodeOptions.resilience(config));
    RouterMetrics metrics = new RouterMetrics(registry, rules::catalog);
    dev.meridian.router.trace.RequestTracing requestTracing = telemetry.enabled()
        ? dev.meridian.router.trace.RequestTracing.of(telemetry.openTelemetry(), config.region())
        : dev.meridian.router.trace.RequestTracing.OFF;
    resilience.addListener(metrics);
    NodeMetrics.bind(vertx, registry, rules::catalog, healthState, policy, config.region());
    // Off (0) by default: no listener at all. On: failures always, successes at the sampling rate.
    ExchangeListener accessLog = config.accessLogSample() > 0
        ? new dev.meridian.router.AccessLog(config.region(), config.accessLogSample()) : record -> { };
    ExchangeListener measured = record -> {
      metrics.onExchange(record);
      accessLog.onExchange(record);
      listener.onExchange(record);
    };
    return store
        .start()
        .compose(started -> resilience.start())
        .compose(started -> startUsageSync())
        .compose(
            started -> {
              healthVerticle = new HealthVerticle(routed, healthOptions, store, membership, apiKeys).withTracing(probeTracing());
              return vertx.deployVerticle(healthVerticle).onSuccess(id -> healthDeploymentId = id);
            })
        .compose(
            healthId ->
                vertx.deployVerticle(
                    () -> {
                      RouterVerticle router =
                          new RouterVerticle(
                                  routed, routerOptions, healthState, policy, apiKeys, ready::get, measured, resilience)
                              .withMetrics(registry)
                              .withGate(gate)
                              .withRules(rules)
                              .withAccess(access)
                              .withResponseItems(responseItems)
                              .withTracing(requestTracing);
                      routers.add(router);
                      return router;
                    },
                    new DeploymentOptions().setInstances(config.routerInstances())))
        .onSuccess(routerId -> watchCatalog())
        .onSuccess(routerId -> watchKeys())
        .onSuccess(
            routerId -> {
              // Warm the JIT while the first probe round runs; ready once both are done and the usage
              // sync holds this node's part of every key's limit.
              Future<JitWarmup.Result> warmed =
                  config.warmupRequests() > 0
                      ? JitWarmup.run(vertx, routed, policy, config.warmupRequests())
                          .onSuccess(result -> warmup = result)
                          .onFailure(error -> LOG.warn("JIT warm-up failed, serving cold: {}", error.getMessage()))
                      : Future.succeededFuture();
              Future<Void> usageSettled = usageSync != null ? usageSync.settled() : Future.succeededFuture();
              Future.join(healthVerticle.firstRoundComplete(), warmed, usageSettled)
                  .onComplete(
                      both -> {
                        ready.set(true);
                        LOG.info(
                            "ready: first probe round done, {} health records known, {} transport",
                            healthState.current().size(), vertx.isNativeTransportEnabled() ? "epoll" : "nio");
                      });
            })
        .mapEmpty();
  }

  private dev.meridian.health.ProbeTracing probeTracing() {
    return telemetry.enabled()
        ? dev.meridian.health.ProbeTracing.of(telemetry.openTelemetry(), config.region())
        : dev.meridian.health.ProbeTracing.OFF;
  }

  /** The JIT warm-up's outcome once it has run ({@code --warmup-requests}); null before or without. */
  JitWarmup.Result warmup() {
    return warmup;
  }

  /** Shares client-key usage with the other nodes, so limits and budgets hold cluster-wide. */
  private Future<Void> startUsageSync() {
    if (clusterManager == null || access.isOpen()) {
      return Future.succeededFuture();
    }
    usageSync =
        new ClusterUsageSync(vertx, clusterManager.getHazelcastInstance(), access.limiter(),
            name -> access.keys().named(name), config.usageSyncMs());
    return usageSync.start();
  }

  /** Follows the keys file's changes, when keys come from a file. */
  private void watchKeys() {
    String file = config.keysFile();
    if (access.isOpen() || file.isBlank() || file.equals(ClientAccess.DEMO) || config.keysReloadMs() == 0) {
      return;
    }
    KeysFileWatcher.start(vertx, Path.of(file), config.keysReloadMs(), access, registry);
  }

  /** Who may call this node's routers; null for the simulator command. */
  public dev.meridian.router.AccessControl access() {
    return access;
  }

  /** Reloads the catalog file on change, when one was given (the built-in catalog cannot change). */
  private void watchCatalog() {
    if (config.catalogPath().isBlank() || config.catalogReloadMs() == 0) {
      return;
    }
    java.util.function.UnaryOperator<Catalog> adaptAndGuard = loaded -> guardCleartext(adapt.apply(loaded));
    catalogWatcher =
        new CatalogWatcher(vertx, Path.of(config.catalogPath()), rules, adaptAndGuard, this::reprobe, registry);
    catalogWatcher.start(config.catalogReloadMs());
  }

  /** New endpoints need probing: the health verticle is replaced by one planned on the new catalog. */
  private void reprobe(Catalog catalog) {
    if (catalog.endpoints().equals(this.catalog.endpoints())) {
      return;
    }
    this.catalog = catalog;
    String previous = healthDeploymentId;
    vertx.undeploy(previous)
        .compose(v -> {
          healthVerticle = new HealthVerticle(catalog, healthOptions, store, membership, apiKeys).withTracing(probeTracing());
          return vertx.deployVerticle(healthVerticle);
        })
        .onSuccess(id -> healthDeploymentId = id)
        .onFailure(e -> LOG.error("re-planning probes after a catalog reload failed", e));
  }

  /** The routing rules in force (they change when the catalog file does). */
  public RoutingRules rules() {
    return rules;
  }

  public int routerPort() {
    return routers.get(0).actualPort();
  }

  public int simulatorPort() {
    return simulator == null ? -1 : simulator.actualPort();
  }

  public boolean isReady() {
    return ready.get();
  }

  public HealthState healthState() {
    return healthState;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** The node's health store; tests publish through it to play a probe result on this node. */
  public HealthStore healthStore() {
    return store;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The node's breakers and blocklist, shared by its router instances. */
  public ResilienceState resilience() {
    return resilience;
  }

  public Vertx vertx() {
    return vertx;
  }

  public MeridianConfig config() {
    return config;
  }

  /**
   * Starts a graceful stop: readiness turns 503 and new requests are refused with Retry-After, while
   * requests in flight (streams included) run to their end. Follow with {@link #close()} once
   * {@link #inFlight()} is zero or the drain deadline has passed.
   */
  public void startDraining() {
    gate.close();
  }

  /** Chat requests being served right now. */
  public int inFlight() {
    return gate.inFlight();
  }

  /**
   * Undeploys the verticles and leaves the cluster. Closing Vert.x shuts the Hazelcast member down,
   * which drops the store's listener with it; chaining the close onto a future of this Vert.x would
   * complete on one of its own, by then terminated, event loops and never return.
   */
  public Future<Void> close() {
    HazelcastInstance member = clusterManager == null ? null : clusterManager.getHazelcastInstance();
    // A member started by the join check is ours to stop: Vert.x only stops members it started.
    return vertx.close().andThen(closed -> {
      if (member != null && member.getLifecycleService().isRunning()) {
        member.getLifecycleService().shutdown();
      }
      // The last spans, those of the requests the drain let finish; bounded, so a dead collector
      // cannot hold the exit.
      telemetry.close(2_000);
    });
  }
}
