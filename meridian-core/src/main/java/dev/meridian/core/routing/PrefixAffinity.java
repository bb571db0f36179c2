package dev.meridian.core.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a prompt prefix on one endpoint, so the provider's prompt cache serves it: among the leading
 * candidates of a plan that are alternatives of equal standing (the same chain step, measured by this
 * router's probes, no dearer than the first, and within a latency tolerance of it), the one with the
 * highest rendezvous score for the prefix goes first. An alternative must also be no dearer than the
 * first, in output and in cached-input price, whatever the objective: a long prefix makes input most of
 * the bill, and a prefix kept where the cache is billed at full price costs more than the hit saves
 * (tools/savings/run.sh --cache measured 5.2 times the dollars when dearer alternatives were allowed). Every router computes the same scores from the
 * same inputs, so the routers of a region agree without sharing anything, and when an endpoint joins
 * or leaves the set only the prefixes whose top score it held move. Health, blocks and the objective
 * have already shaped the plan: affinity only reorders what they left at the front, so it never picks
 * an unhealthy, blocked or clearly slower endpoint. A pure function.
 */
public final class PrefixAffinity {
  /** What affinity did to a plan. */
  public enum Outcome {
    /** Not applied: off, no prefix (or a short one), or a single eligible candidate. */
    NONE("none"),
    /** The rendezvous choice was the latency choice already. */
    KEPT("kept"),
    /** Affinity moved another eligible candidate first. */
    MOVED("moved");

    private final String header;

    Outcome(String header) {
      this.header = header;
    }

    /** The value of the {@code x-meridian-affinity} response header. */
    public String header() {
      return header;
    }
  }

  /** A plan after affinity, and what it did. */
  public record Result(RoutePlan plan, Outcome outcome) {}

  /**
   * @param minPrefixCharacters prefixes shorter than this are not worth keeping together (providers
   *     cache from about 1,024 tokens)
   * @param toleranceRatio and {@code toleranceMs}: a candidate is eligible within the larger of the
   *     first's tail TTFT times this ratio and this many milliseconds of it
   */
  public record Options(boolean enabled, long minPrefixCharacters, double toleranceRatio, double toleranceMs) {
    public static final Options DEFAULT = new Options(true, 4_096, 0.20, 50);
    public static final Options OFF = new Options(false, 4_096, 0.20, 50);

    public Options {
      if (minPrefixCharacters < 0 || toleranceRatio < 0 || toleranceMs < 0) {
        throw new IllegalArgumentException("affinity options must not be negative");
      }
    }
  }

  private PrefixAffinity() {}

  /** {@link #apply(RoutePlan, PromptPrefix, Options, RoutingPreferences.Objective)} under the latency objective. */
  public static Result apply(RoutePlan plan, PromptPrefix prefix, Options options) {
    return apply(plan, prefix, options, RoutingPreferences.Objective.LATENCY);
  }

  public static Result apply(RoutePlan plan, PromptPrefix prefix, Options options, RoutingPreferences.Objective objective) {
    List<Candidate> candidates = plan.candidates();
    if (!options.enabled() || prefix.characters() < options.minPrefixCharacters() || candidates.size() < 2) {
      return new Result(plan, Outcome.NONE);
    }
    int eligible = eligibleCount(candidates, options);
    if (eligible < 2) {
      return new Result(plan, Outcome.NONE);
    }
    int chosen = 0;
    long best = score(prefix.hash(), candidates.get(0));
    for (int i = 1; i < eligible; i++) {
      long score = score(prefix.hash(), candidates.get(i));
      if (Long.compareUnsigned(score, best) > 0) {
        best = score;
        chosen = i;
      }
    }
    if (chosen == 0) {
      return new Result(plan, Outcome.KEPT);
    }
    List<Candidate> reordered = new ArrayList<>(candidates.size());
    reordered.add(candidates.get(chosen));
    for (int i = 0; i < candidates.size(); i++) {
      if (i != chosen) {
        reordered.add(candidates.get(i));
      }
    }
    return new Result(new RoutePlan(plan.requested(), reordered, plan.reason() + " affinity"), Outcome.MOVED);
  }

  /** How many leading candidates are alternatives of the first (the first included). */
  static int eligibleCount(List<Candidate> candidates, Options options) {
    Candidate first = candidates.get(0);
    if (!first.observed() || first.group() == Candidate.NO_GROUP) {
      return 1;
    }
    double limit = first.tailTtftMs() + Math.max(first.tailTtftMs() * options.toleranceRatio(), options.toleranceMs());
    double price = first.endpoint().model().outputDollarsPerMillion();
    double cachedPrice = first.endpoint().model().cachedInputDollarsPerMillion();
    int count = 1;
    while (count < candidates.size()) {
      Candidate next = candidates.get(count);
      if (!next.observed() || next.group() != first.group() || next.tailTtftMs() > limit
          || next.endpoint().model().outputDollarsPerMillion() > price
          || next.endpoint().model().cachedInputDollarsPerMillion() > cachedPrice) {
        break;
      }
      count++;
    }
    return count;
  }

  /** The rendezvous (highest random weight) score of an endpoint for a prefix. */
  static long score(long prefixHash, Candidate candidate) {
    return PromptPrefix.finish(prefixHash ^ PromptPrefix.finish(candidate.endpoint().id().hashCode() * 0x9E3779B97F4A7C15L));
  }
}
