package dev.meridian.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Plans one probe round: which targets this node probes and when, as delays from the round's start.
 *
 * <p>The window is cut into one equal slot per owned target and each probe starts near the middle of its
 * slot, moved at random by at most {@code jitterRatio} of half a slot. So probes never come in bursts
 * (two starts are at least {@code (1 - jitterRatio)} slots apart) and, because the order of targets is a
 * stable hash rather than catalog order, one provider's endpoints are interleaved with others' and each
 * target keeps roughly the same phase from round to round, i.e. it is probed about once per interval.
 *
 * <p>Plain logic with no Vert.x and no state besides the {@link Random} it is given.
 */
public final class ProbeScheduler {
  /** One planned probe: start {@code target} {@code delayMs} after the round begins. */
  public record ScheduledProbe(ProbeTarget target, long delayMs) {}

  private final double jitterRatio;
  private final Random random;

  public ProbeScheduler(double jitterRatio, Random random) {
    if (!(jitterRatio >= 0 && jitterRatio < 1)) {
      throw new IllegalArgumentException("jitterRatio must be in [0, 1), got " + jitterRatio);
    }
    this.jitterRatio = jitterRatio;
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The round's plan, sorted by delay. Every owned target appears exactly once with {@code 0 <= delayMs
   * < windowMs} (or 0 when the window is 0).
   */
  public List<ScheduledProbe> planRound(
      Collection<ProbeTarget> targets, Predicate<ProbeTarget> owned, long windowMs) {
    if (windowMs < 0) {
      throw new IllegalArgumentException("windowMs must be >= 0");
    }
    List<ProbeTarget> mine = new ArrayList<>();
    for (ProbeTarget target : targets) {
      if (owned.test(target)) {
        mine.add(target);
      }
    }
    mine.sort(
        Comparator.comparingLong((ProbeTarget t) -> phase(t.ownershipKey()))
            .thenComparing(ProbeTarget::ownershipKey));
    int n = mine.size();
    List<ScheduledProbe> plan = new ArrayList<>(n);
    double slot = n == 0 ? 0 : (double) windowMs / n;
    for (int i = 0; i < n; i++) {
      double jitter = (random.nextDouble() * 2 - 1) * jitterRatio * slot / 2;
      long delay = (long) Math.floor(slot * i + slot / 2 + jitter);
      plan.add(new ScheduledProbe(mine.get(i), Math.max(0, Math.min(delay, Math.max(0, windowMs - 1)))));
    }
    return plan;
  }

  /** A well-mixed, JVM-independent hash: String.hashCode alone keeps similar keys next to each other. */
  static long phase(String key) {
    long h = key.hashCode() * 0x9E3779B97F4A7C15L;
    h ^= h >>> 31;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    return h;
  }
}
