package dev.meridian.core.routing;

import java.util.Comparator;

/** How candidates are ranked within a chain step, per objective (docs/routing.md, "Objective"). */
final class CandidateOrder {
  private CandidateOrder() {}

  /**
   * Ranking order per objective. LATENCY: measured before unmeasured, then tail TTFT; COST: output
   * price, then as LATENCY; BALANCED: measured first, then tail TTFT / reference + output price. Ties
   * break on the endpoint id. Stateless, so one instance per objective serves every request.
   */
  static Comparator<Candidate> of(RoutingPreferences.Objective objective) {
    return switch (objective) {
      case LATENCY -> BY_LATENCY;
      case COST -> BY_COST;
      case BALANCED -> BY_BALANCED;
    };
  }

  private static final Comparator<Candidate> BY_LATENCY =
      (a, b) -> {
        int c = measuredFirst(a, b);
        if (c == 0) {
          c = Double.compare(a.tailTtftMs(), b.tailTtftMs());
        }
        return c != 0 ? c : byId(a, b);
      };

  private static final Comparator<Candidate> BY_COST =
      (a, b) -> {
        int c =
            Double.compare(
                a.endpoint().model().outputDollarsPerMillion(), b.endpoint().model().outputDollarsPerMillion());
        return c != 0 ? c : BY_LATENCY.compare(a, b);
      };

  private static final Comparator<Candidate> BY_BALANCED =
      (a, b) -> {
        int c = measuredFirst(a, b);
        if (c == 0) {
          c = Double.compare(balancedScore(a), balancedScore(b));
        }
        return c != 0 ? c : byId(a, b);
      };

  private static int measuredFirst(Candidate a, Candidate b) {
    return Boolean.compare(!a.observed(), !b.observed());
  }

  private static double balancedScore(Candidate c) {
    return c.tailTtftMs() / RoutingPreferences.BALANCED_TTFT_REFERENCE_MS
        + c.endpoint().model().outputDollarsPerMillion();
  }

  private static int byId(Candidate a, Candidate b) {
    return a.endpoint().id().compareTo(b.endpoint().id());
  }

}
