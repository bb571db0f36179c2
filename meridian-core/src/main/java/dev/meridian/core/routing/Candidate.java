package dev.meridian.core.routing;

import dev.meridian.core.catalog.Endpoint;

/**
 * One endpoint a request may be sent to, with the latency the selector expects from it.
 *
 * @param expectedTtftMs what ranking used: the observed EWMA TTFT from this router's region, or the
 *     catalog's nominal TTFT when the endpoint has no fresh observation
 * @param observed true when {@code expectedTtftMs} comes from a fresh probe of this region
 * @param tailTtftMs the p90 of recent probe TTFTs (the EWMA until there are 5 samples, the nominal
 *     TTFT when unobserved): what the latency objective ranks by
 * @param group the chain step the candidate was ranked in (candidates of one group are alternatives of
 *     equal standing, those of the next group fallbacks); {@link #NO_GROUP} for one that missed its
 *     step's thresholds
 */
public record Candidate(Endpoint endpoint, double expectedTtftMs, boolean observed, double tailTtftMs, int group) {
  /** The group of a candidate that is a fallback only (it missed its step's thresholds). */
  public static final int NO_GROUP = -1;

  public Candidate(Endpoint endpoint, double expectedTtftMs, boolean observed, double tailTtftMs) {
    this(endpoint, expectedTtftMs, observed, tailTtftMs, 0);
  }

  public Candidate(Endpoint endpoint, double expectedTtftMs, boolean observed) {
    this(endpoint, expectedTtftMs, observed, expectedTtftMs);
  }
}
