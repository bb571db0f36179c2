package dev.meridian.core.cost;

import dev.meridian.core.catalog.ModelSpec;

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
}
