package dev.meridian.core.catalog;

import java.util.List;

/**
 * The published measurements of {@code shared/catalog-facts.md}, typed in by hand from that document so
 * tests compare the catalog file against an independent source rather than against itself.
 */
public final class CatalogFacts {
  /** One row of the "Speed and price (US East)" table plus the tier table's assignment. */
  public record Row(
      String modelId,
      String provider,
      Tier tier,
      double ttftMs,
      double tokensPerSecond,
      double outputDollarsPerMillion) {}

  public static final List<Row> ROWS =
      List.of(
          new Row("step-3.5-flash", "stepfun", Tier.ULTRA_BUDGET, 120, 80, 0.15),
          new Row("qwen3-8b", "qwen", Tier.ULTRA_BUDGET, 150, 70, 0.01),
          new Row("deepseek-v4-flash", "deepseek", Tier.BUDGET, 180, 60, 0.25),
          new Row("hunyuan-turbos", "tencent", Tier.BUDGET, 200, 55, 0.28),
          new Row("doubao-seed-lite", "bytedance", Tier.MID_RANGE, 220, 50, 0.40),
          new Row("qwen3-32b", "qwen", Tier.BUDGET, 250, 45, 0.28),
          new Row("hunyuan-turbo", "tencent", Tier.MID_RANGE, 280, 42, 0.57),
          new Row("glm-4-32b", "zhipu", Tier.MID_RANGE, 300, 38, 0.56),
          new Row("qwen3.5-27b", "qwen", Tier.MID_RANGE, 350, 35, 0.19),
          new Row("deepseek-v4-pro", "deepseek", Tier.MID_RANGE, 400, 30, 0.78),
          new Row("minimax-m2.5", "minimax", Tier.PREMIUM, 450, 28, 1.15),
          new Row("glm-5", "zhipu", Tier.PREMIUM, 500, 25, 1.92),
          new Row("kimi-k2.5", "moonshot", Tier.PREMIUM, 600, 20, 3.00),
          new Row("deepseek-r1", "deepseek", Tier.PREMIUM, 800, 15, 2.50),
          new Row("qwen3.5-397b", "qwen", Tier.PREMIUM, 1200, 10, 2.34));

  public static final List<String> REGIONS = List.of("us-east", "eu-west", "ap-southeast");

  private CatalogFacts() {}

  public static Row row(String modelId) {
    return ROWS.stream()
        .filter(r -> r.modelId().equals(modelId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no fact row for " + modelId));
  }
}
