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
 */
public record Candidate(Endpoint endpoint, double expectedTtftMs, boolean observed, double tailTtftMs) {
  public Candidate(Endpoint endpoint, double expectedTtftMs, boolean observed) {
    this(endpoint, expectedTtftMs, observed, expectedTtftMs);
  }
}
