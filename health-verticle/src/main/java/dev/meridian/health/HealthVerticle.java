package dev.meridian.health;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.ProbeResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes, from this node's region, the catalog endpoints this node owns, folds each result into the
 * endpoint's health record and publishes it through the {@link HealthStore}. Wiring only: scheduling,
 * probing, ownership and bookkeeping live in their own classes.
 *
 * <p>The launcher starts the store before deploying this verticle (so the local state already holds the
 * cluster's records) and may await {@link #firstRoundComplete()} before reporting ready.
 */
public final class HealthVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HealthVerticle.class);

  private final Catalog catalog;
  private final HealthOptions options;
  private final HealthStore store;
  private final RegionMembership membership;
  private final ApiKeys apiKeys;
  private final HealthRecorder recorder;
  private final ProbeAccounting accounting = new ProbeAccounting();
  private final Promise<Void> firstRound = Promise.promise();
  private final DeliveryOptions localOnly = new DeliveryOptions().setLocalOnly(true);

  private Prober prober;
  private ProbeCoordinator coordinator;

  private ProbeTracing tracing = ProbeTracing.OFF;

  /** Traces probes (a root span each, sampled at the node's probe ratio); call before deployment. */
  public HealthVerticle withTracing(ProbeTracing tracing) {
    this.tracing = java.util.Objects.requireNonNull(tracing, "tracing");
    return this;
  }

  public HealthVerticle(
      Catalog catalog,
      HealthOptions options,
      HealthStore store,
      RegionMembership membership,
      ApiKeys apiKeys) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.options = new HealthOptions(Objects.requireNonNull(options, "options")).validate();
    this.store = Objects.requireNonNull(store, "store");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
    this.recorder = new HealthRecorder(this.options.getHealthPolicy());
  }

  @Override
  public Future<?> start() {
    String region = options.getRegion();
    if (!catalog.hasRegion(region)) {
      LOG.warn("region {} is not in the catalog; probing from it anyway", region);
    }
    List<ProbeTarget> targets = ProbeTarget.all(region, catalog.endpoints());
    prober = new Prober(vertx, options, apiKeys, tracing);
    coordinator =
        new ProbeCoordinator(
            vertx,
            targets,
            options,
            new ProbeScheduler(options.getJitterRatio(), new Random()),
            new ProbeLimiter(options.getMaxConcurrentProbes()),
            this::owns,
            prober::probe,
            this::onResult,
            firstRound);
    membership.onChange(
        () -> LOG.debug("region {} membership changed: {} members", region,
            membership.membersOf(region).size()));
    coordinator.start();
    LOG.info(
        "health verticle started in {}: {} endpoints, interval {} ms, timeout {} ms, {} probes at once per endpoint region",
        region,
        targets.size(),
        options.getProbeIntervalMs(),
        options.getProbeTimeoutMs(),
        options.getMaxConcurrentProbes());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (coordinator != null) {
      coordinator.stop();
    }
    // Whoever waits for readiness must not wait forever on a verticle that is gone.
    firstRound.tryFail("health verticle stopped before its first probe round completed");
    return prober == null ? Future.succeededFuture() : prober.close();
  }

  /** Completes once every endpoint this node owned at start-up has been probed at least once. */
  public Future<Void> firstRoundComplete() {
    return firstRound.future();
  }

  /**
   * Probes every owned endpoint now, outside the schedule (for tests and operators); completes when
   * their records are published locally. An endpoint whose probe is already under way is not probed
   * twice. Callable from any thread once the verticle is deployed.
   */
  public Future<Void> probeNow() {
    if (coordinator == null) {
      return Future.failedFuture(new IllegalStateException("health verticle not started"));
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> coordinator.probeNow().onComplete(done));
    return done.future();
  }

  /** Running totals of this node's probe traffic and its cost. */
  public ProbeAccounting accounting() {
    return accounting;
  }

  private boolean owns(ProbeTarget target) {
    return membership.isLocalOwner(options.getRegion(), target.ownershipKey());
  }

  private void onResult(ProbeResult result) {
    accounting.record(result);
    HealthSnapshot snapshot = store.state().current();
    EndpointHealth previous = snapshot.get(result.key());
    EndpointHealth next = recorder.fold(snapshot, result);
    boolean firstSighting = previous == null || !previous.isObserved();
    if (firstSighting && next.healthy()) {
      // Start-up sees every endpoint once; only a change of verdict is worth an INFO line.
      LOG.debug("endpoint {} first observed healthy, TTFT {} ms", result.key(), result.ttftMs());
    } else if (firstSighting || previous.healthy() != next.healthy()) {
      LOG.info(
          "endpoint {} is {} (last probe {}{})",
          result.key(),
          next.healthy() ? "healthy" : "unhealthy",
          result.outcome(),
          result.error() == null ? "" : ": " + result.error());
    }
    store
        .publish(next)
        .onFailure(e -> LOG.warn("publishing health of {} failed: {}", result.key(), Errors.describe(e)));
    vertx.eventBus().publish(HealthAddresses.PROBE_RESULTS, HealthAddresses.toJson(result), localOnly);
  }
}
