package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.failover.BreakerStateMachine;
import dev.meridian.core.routing.BlockEvent;
import dev.meridian.core.routing.EndpointBlocklist;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What live traffic has learnt about endpoints on this node, shared by all router instances of the node:
 * the breakers and the blocklist routing reads. Blocks (breaker trips, 429 Retry-After) are published
 * on the cluster event bus, so the other routers of the same region stop sending too, within one
 * event-bus hop (milliseconds) instead of the next probe (30 s).
 */
public final class ResilienceState {
  /**
   * Cluster event-bus address prefix of block and lift events; the region is appended, so events stay
   * within the region whose routers act on them and never cross to the others.
   */
  public static final String EVENTS_ADDRESS = "meridian.resilience.blocks.";

  private static final Logger LOG = LoggerFactory.getLogger(ResilienceState.class);

  /** Told when a breaker of this node changes state; used by metrics. */
  @FunctionalInterface
  public interface BreakerListener {
    void onStateChange(Endpoint endpoint, CircuitBreakerState state);
  }

  private final Vertx vertx;
  private final String region;
  private final ResilienceOptions options;
  private final LongSupplier wallClockMs;
  private final String origin = UUID.randomUUID().toString();
  private final AtomicReference<EndpointBlocklist> blocklist = new AtomicReference<>(EndpointBlocklist.EMPTY);
  private final Map<String, EndpointBreaker> breakers = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<BreakerListener> listeners = new CopyOnWriteArrayList<>();
  /** Peers' blocks count only for endpoints of the catalog in force (set by the router). */
  private volatile Predicate<String> knownEndpoint = id -> true;
  private MessageConsumer<Object> consumer;
  private long pruneTimer = -1;

  public ResilienceState(Vertx vertx, String region, ResilienceOptions options, LongSupplier wallClockMs) {
    this.vertx = vertx;
    this.region = region;
    this.options = new ResilienceOptions(options);
    this.wallClockMs = wallClockMs;
  }

  public ResilienceState(Vertx vertx, String region, ResilienceOptions options) {
    this(vertx, region, options, System::currentTimeMillis);
  }

  /** Peers' block events for endpoints this predicate refuses are dropped: they could only pile up. */
  public void acceptPeerBlocksFor(Predicate<String> known) {
    knownEndpoint = known;
  }

  /** Subscribes to other nodes' block events; completes once the subscription is registered. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(EVENTS_ADDRESS + region, this::onEvent);
    pruneTimer = vertx.setPeriodic(1_000, id -> blocklist.updateAndGet(list -> list.prune(wallClockMs.getAsLong())));
    return consumer.completion();
  }

  public Future<Void> stop() {
    if (pruneTimer >= 0) {
      vertx.cancelTimer(pruneTimer);
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  public ResilienceOptions options() {
    return options;
  }

  public void addListener(BreakerListener listener) {
    listeners.add(listener);
  }

  /** The endpoints routing must skip now; read on every request, never blocks. */
  public EndpointBlocklist blocklist() {
    return blocklist.get();
  }

  public Map<String, EndpointBreaker> breakers() {
    return breakers;
  }

  public EndpointBreaker breaker(Endpoint endpoint) {
    return breakers.computeIfAbsent(endpoint.id(), id -> createBreaker(endpoint));
  }

  /**
   * A 429: no request goes to this endpoint before {@code retryAfterMs} has passed (at most {@link
   * ResilienceOptions#getMaxBlockMs()}), on any node of the region.
   */
  public void rateLimited(Endpoint endpoint, long retryAfterMs) {
    long wait = retryAfterMs > 0 ? retryAfterMs : options.getRateLimitBlockMs();
    block(endpoint.id(), EndpointBlocklist.deadline(wallClockMs.getAsLong(), wait, options.getMaxBlockMs()),
        EndpointBlocklist.Reason.RATE_LIMITED, true);
  }

  private EndpointBreaker createBreaker(Endpoint endpoint) {
    BreakerStateMachine.Options thresholds =
        new BreakerStateMachine.Options(
            options.getBreakerMaxFailures(),
            options.getBreakerFailuresWindowMs(),
            options.getBreakerCoolDownMs(),
            options.getBreakerRateWindow(),
            options.getBreakerRateMinimumCalls(),
            options.getBreakerFailureRate());
    BreakerStateMachine[] machine = new BreakerStateMachine[1];
    machine[0] = new BreakerStateMachine(thresholds, wallClockMs, (from, to) -> onTransition(endpoint, machine[0], to));
    return new EndpointBreaker(endpoint, machine[0]);
  }

  private void onTransition(Endpoint endpoint, BreakerStateMachine machine, BreakerStateMachine.State to) {
    switch (to) {
      case OPEN -> {
        LOG.warn("breaker for {} opened: out of routing for {} ms", endpoint.id(), options.getBreakerCoolDownMs());
        block(endpoint.id(), wallClockMs.getAsLong() + options.getBreakerCoolDownMs(), EndpointBlocklist.Reason.BREAKER_OPEN, true);
        // The machine turns half-open when next asked; ask at the cool-down's end, so metrics see it.
        vertx.setTimer(Math.max(1, options.getBreakerCoolDownMs()), id -> machine.state());
      }
      case HALF_OPEN -> { }
      case CLOSED -> {
        if (lift(endpoint.id())) {
          LOG.info("breaker for {} closed: trial request succeeded", endpoint.id());
          publish(BlockEvent.lift(region, origin, endpoint.id()));
        }
      }
    }
    notify(endpoint, EndpointBreaker.vertxState(to));
  }

  private void notify(Endpoint endpoint, CircuitBreakerState state) {
    for (BreakerListener listener : listeners) {
      listener.onStateChange(endpoint, state);
    }
  }

  private void block(String endpointId, long untilMs, EndpointBlocklist.Reason reason, boolean share) {
    blocklist.updateAndGet(list -> list.extend(endpointId, untilMs, reason));
    if (share) {
      publish(BlockEvent.block(region, origin, endpointId, untilMs, reason));
    }
  }

  /** Lifts a breaker block; a rate-limit block stays until its time, whatever the breaker says. */
  private boolean lift(String endpointId) {
    EndpointBlocklist before =
        blocklist.getAndUpdate(list -> isBreakerBlock(list, endpointId) ? list.lift(endpointId) : list);
    return isBreakerBlock(before, endpointId);
  }

  private static boolean isBreakerBlock(EndpointBlocklist list, String endpointId) {
    EndpointBlocklist.Block block = list.entries().get(endpointId);
    return block != null && block.reason() == EndpointBlocklist.Reason.BREAKER_OPEN;
  }


  private void publish(BlockEvent event) {
    vertx.eventBus().publish(EVENTS_ADDRESS + region, event.toJson());
  }

  /**
   * Any member can publish here, so what arrives is parsed, not trusted: a malformed event is dropped
   * (at DEBUG, naming the bad field only), and a block lasts at most max-block-ms from its receipt.
   */
  private void onEvent(Message<Object> message) {
    BlockEvent event;
    try {
      event = BlockEvent.parse(message.body());
    } catch (BlockEvent.MalformedException e) {
      LOG.debug("ignored a malformed block event on {}: {}", EVENTS_ADDRESS + region, e.getMessage());
      return;
    }
    if (origin.equals(event.origin()) || !region.equals(event.region())) {
      return;
    }
    String endpointId = event.endpointId();
    if (event.action() == BlockEvent.Action.BLOCK && !knownEndpoint.test(endpointId)) {
      LOG.debug("ignored a peer's block of an endpoint the catalog does not have");
      return;
    }
    if (event.action() == BlockEvent.Action.BLOCK) {
      long until = EndpointBlocklist.capped(wallClockMs.getAsLong(), event.untilMs(), options.getMaxBlockMs());
      block(endpointId, until, event.reason(), false);
      LOG.debug("peer blocked {} until {} ({})", endpointId, until, event.reason());
    } else {
      lift(endpointId);
    }
  }
}
