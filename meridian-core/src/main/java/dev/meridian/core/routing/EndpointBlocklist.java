package dev.meridian.core.routing;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Endpoints that must not get traffic until a deadline: an open circuit breaker, or a provider's 429
 * with {@code Retry-After}. Immutable; {@link #extend} returns a new list.
 *
 * <p>A deadline only ever moves later: a second trip or a shorter Retry-After never shortens a
 * cool-down already in force, so a flapping endpoint cannot shorten its own penalty.
 */
public final class EndpointBlocklist {
  public static final EndpointBlocklist EMPTY = new EndpointBlocklist(Map.of());

  public enum Reason {
    /** Live traffic tripped the circuit breaker. */
    BREAKER_OPEN,
    /** The provider answered 429 and asked us to wait. */
    RATE_LIMITED
  }

  /** One blocked endpoint: until when, and why. */
  public record Block(long untilMs, Reason reason) {}

  private final Map<String, Block> blocks;

  /**
   * The deadline of a block that asks to wait {@code waitMs} from {@code nowMs}, at most {@code
   * maxBlockMs}: a provider's {@code Retry-After: 99999999} must not take an endpoint out for years.
   * Never overflows.
   */
  public static long deadline(long nowMs, long waitMs, long maxBlockMs) {
    return saturatedAdd(nowMs, Math.max(0, Math.min(waitMs, maxBlockMs)));
  }

  /**
   * A deadline from elsewhere (a peer's block event) cut to {@code maxBlockMs} after {@code nowMs},
   * its receipt: a rogue or broken member can block an endpoint for that long at a time, not for ever.
   */
  public static long capped(long nowMs, long untilMs, long maxBlockMs) {
    return Math.min(untilMs, saturatedAdd(nowMs, Math.max(0, maxBlockMs)));
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only when both have the same sign and the sum's sign differs.
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  private EndpointBlocklist(Map<String, Block> blocks) {
    this.blocks = blocks;
  }

  /**
   * @param endpointId {@link dev.meridian.core.catalog.Endpoint#id()}
   */
  public EndpointBlocklist extend(String endpointId, long untilMs, Reason reason) {
    Block existing = blocks.get(endpointId);
    if (existing != null && existing.untilMs() >= untilMs) {
      return this;
    }
    Map<String, Block> copy = new HashMap<>(blocks);
    copy.put(endpointId, new Block(untilMs, reason));
    return new EndpointBlocklist(Collections.unmodifiableMap(copy));
  }

  /** Lifts a block early: a half-open trial succeeded, so the breaker closed. */
  public EndpointBlocklist lift(String endpointId) {
    if (!blocks.containsKey(endpointId)) {
      return this;
    }
    Map<String, Block> copy = new HashMap<>(blocks);
    copy.remove(endpointId);
    return new EndpointBlocklist(Collections.unmodifiableMap(copy));
  }

  /** The block in force for {@code endpointId} at {@code nowMs}, or null. */
  public Block blockAt(String endpointId, long nowMs) {
    Block block = blocks.get(endpointId);
    return block != null && block.untilMs() > nowMs ? block : null;
  }

  public boolean isBlocked(String endpointId, long nowMs) {
    return blockAt(endpointId, nowMs) != null;
  }

  /** Drops expired entries so the map does not grow forever. */
  public EndpointBlocklist prune(long nowMs) {
    boolean anyExpired = false;
    for (Block block : blocks.values()) {
      if (block.untilMs() <= nowMs) {
        anyExpired = true;
        break;
      }
    }
    if (!anyExpired) {
      return this;
    }
    Map<String, Block> copy = new HashMap<>();
    blocks.forEach((id, block) -> {
      if (block.untilMs() > nowMs) {
        copy.put(id, block);
      }
    });
    return new EndpointBlocklist(Collections.unmodifiableMap(copy));
  }

  public Map<String, Block> entries() {
    return blocks;
  }

  public int size() {
    return blocks.size();
  }
}
