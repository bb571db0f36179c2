package dev.meridian.core.routing;

import java.util.List;

/**
 * One step of a fallback chain: the models tried at this step (one model, or every model of a tier)
 * and the thresholds an endpoint must meet, as observed from this router's region, to be tried before
 * the later steps. An endpoint that misses them is not dropped: it is kept as a last resort after every
 * step, because a slow answer beats a 503.
 *
 * @param maxTtftMs NaN for no limit
 * @param minTokensPerSecond NaN for no limit
 */
public record ChainStep(List<String> models, double maxTtftMs, double minTokensPerSecond) {
  public ChainStep {
    models = List.copyOf(models);
    if (models.isEmpty()) {
      throw new IllegalArgumentException("a chain step needs at least one model");
    }
  }

  public static ChainStep of(List<String> models) {
    return new ChainStep(models, Double.NaN, Double.NaN);
  }

  /** Whether an observed endpoint is fast enough for this step; unknown figures pass. */
  public boolean admits(double ttftMs, double tokensPerSecond) {
    boolean ttftOk = Double.isNaN(maxTtftMs) || Double.isNaN(ttftMs) || ttftMs <= maxTtftMs;
    boolean speedOk =
        Double.isNaN(minTokensPerSecond) || Double.isNaN(tokensPerSecond) || tokensPerSecond >= minTokensPerSecond;
    return ttftOk && speedOk;
  }
}
