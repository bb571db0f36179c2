package dev.meridian.core.cost;

import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.openai.Usage;

/** Dollars for a request from its token counts and the catalog's per-million prices. */
public final class CostCalculator {
  private static final double PER_MILLION = 1_000_000.0;

  private CostCalculator() {}

  public static double dollars(ModelSpec model, long promptTokens, long completionTokens) {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("token counts cannot be negative");
    }
    return promptTokens * model.inputDollarsPerMillion() / PER_MILLION
        + completionTokens * model.outputDollarsPerMillion() / PER_MILLION;
  }

  /**
   * What a request's usage costs: the prompt tokens the provider's cache served at the cached-input
   * price, the rest of the prompt at the input price, the completion at the output price.
   */
  public static double dollars(ModelSpec model, Usage usage) {
    long cached = Math.min(usage.cachedPromptTokens(), usage.promptTokens());
    return dollars(model, usage.promptTokens() - cached, usage.completionTokens())
        + cached * model.cachedInputDollarsPerMillion() / PER_MILLION;
  }
}
