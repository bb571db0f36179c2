package dev.meridian.core.routing;

import java.util.List;

/**
 * The ordered endpoints to try for one request: the first is the choice, the rest are fallbacks.
 *
 * @param requested what the client asked for (a model id, a tier, or {@code auto})
 * @param reason a short explanation for headers and debug logs, e.g. {@code tier=budget basis=observed}
 */
public record RoutePlan(String requested, List<Candidate> candidates, String reason) {
  public RoutePlan {
    candidates = List.copyOf(candidates);
  }

  public Candidate primary() {
    return candidates.get(0);
  }
}
