package dev.meridian.health;

import dev.meridian.core.health.ProbeResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives probe rounds with Vert.x timers: round {@code k} starts {@code k} intervals after start-up
 * (round 0 at once, spread over the short first-round window), is planned by the {@link ProbeScheduler}
 * and runs through the {@link ProbeLimiter}. Ownership is decided when a round is planned and checked
 * again when each probe fires, so a node that lost an endpoint to a newcomer stops probing it at once,
 * and one that gained endpoints from a leaver picks them up with the next round.
 *
 * <p>Confined to the event loop it is started on.
 */
final class ProbeCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeCoordinator.class);

  private final Vertx vertx;
  private final List<ProbeTarget> targets;
  private final HealthOptions options;
  private final ProbeScheduler scheduler;
  private final ProbeLimiter limiter;
  private final Predicate<ProbeTarget> owned;
  private final Function<ProbeTarget, Future<ProbeResult>> probe;
  private final Consumer<ProbeResult> sink;
  private final Promise<Void> firstRound;
  private final Set<Long> timers = new HashSet<>();

  private long startNanos;
  private long rounds;
  private int firstRoundRemaining;
  private boolean stopped;

  ProbeCoordinator(
      Vertx vertx,
      List<ProbeTarget> targets,
      HealthOptions options,
      ProbeScheduler scheduler,
      ProbeLimiter limiter,
      Predicate<ProbeTarget> owned,
      Function<ProbeTarget, Future<ProbeResult>> probe,
      Consumer<ProbeResult> sink,
      Promise<Void> firstRound) {
    this.vertx = vertx;
    this.targets = List.copyOf(targets);
    this.options = options;
    this.scheduler = scheduler;
    this.limiter = limiter;
    this.owned = owned;
    this.probe = probe;
    this.sink = sink;
    this.firstRound = firstRound;
  }

  void start() {
    startNanos = System.nanoTime();
    startRound(0);
  }

  void stop() {
    stopped = true;
    for (long timer : timers) {
      vertx.cancelTimer(timer);
    }
    timers.clear();
  }

  long roundsStarted() {
    return rounds;
  }

  private void startRound(long round) {
    if (stopped) {
      return;
    }
    rounds++;
    boolean first = round == 0;
    long window = first ? options.getFirstRoundSpreadMs() : options.getProbeIntervalMs();
    List<ProbeScheduler.ScheduledProbe> plan = scheduler.planRound(targets, owned, window);
    LOG.debug("probe round {}: {} of {} endpoints owned, spread over {} ms",
        round, plan.size(), targets.size(), window);
    if (first) {
      firstRoundRemaining = plan.size();
      if (plan.isEmpty()) {
        firstRound.tryComplete();
      }
    }
    for (ProbeScheduler.ScheduledProbe scheduled : plan) {
      schedule(scheduled.delayMs(), () -> fire(scheduled.target(), first));
    }
    // Rounds are anchored to start-up, not to the previous timer, so they never drift.
    long nextAtMs = (round + 1) * options.getProbeIntervalMs();
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    schedule(nextAtMs - elapsedMs, () -> startRound(round + 1));
  }

  private void schedule(long delayMs, Runnable action) {
    long[] id = new long[1];
    id[0] =
        vertx.setTimer(
            Math.max(1, delayMs),
            t -> {
              timers.remove(id[0]);
              action.run();
            });
    timers.add(id[0]);
  }

  private void fire(ProbeTarget target, boolean firstRoundProbe) {
    if (stopped) {
      return;
    }
    if (!owned.test(target)) {
      LOG.debug("skipping {}: no longer owned by this node", target);
      countFirstRound(firstRoundProbe);
      return;
    }
    run(target).onComplete(ar -> countFirstRound(firstRoundProbe));
  }

  /** Probes every owned target now; completes when each has a result (or already had one under way). */
  Future<Void> probeNow() {
    List<Future<Void>> all = new ArrayList<>();
    for (ProbeTarget target : targets) {
      if (owned.test(target)) {
        all.add(run(target));
      }
    }
    return Future.join(all).mapEmpty();
  }

  /** One probe through the limiter, its result handed to the sink; never fails. */
  private Future<Void> run(ProbeTarget target) {
    return limiter
        // Places per endpoint region: a partitioned region's timeouts never starve the reachable ones.
        .submit(target.endpoint().region(), target.ownershipKey(), () -> probe.apply(target))
        .map(
            result -> {
              if (!stopped) {
                sink.accept(result);
              }
              return (Void) null;
            })
        .recover(
            failure -> {
              if (failure instanceof ProbeLimiter.AlreadyPendingException) {
                LOG.debug("skipping {}: previous probe still queued or in flight", target);
              } else {
                LOG.warn("probe of {} failed unexpectedly: {}", target, Errors.describe(failure));
              }
              return Future.succeededFuture();
            });
  }

  private void countFirstRound(boolean firstRoundProbe) {
    if (firstRoundProbe && --firstRoundRemaining == 0) {
      firstRound.tryComplete();
    }
  }
}
