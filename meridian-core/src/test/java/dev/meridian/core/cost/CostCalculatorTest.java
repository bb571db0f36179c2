package dev.meridian.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogFacts;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Tier;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CostCalculatorTest {
  private static final Catalog CATALOG = CatalogLoader.loadDefault();

  @ParameterizedTest(name = "{0}: {1} in, {2} out")
  @CsvSource({
    // model, prompt tokens, completion tokens
    "glm-5, 0, 1000000",
    "deepseek-r1, 1000, 2000",
    "qwen3-8b, 123456, 654321",
    "kimi-k2.5, 150, 150",
    "step-3.5-flash, 1000000, 0",
  })
  void dollarsFromTheFactsPrices(String modelId, long prompt, long completion) {
    // catalog-facts gives the output price; the default catalog sets input to a quarter of it.
    double output = CatalogFacts.row(modelId).outputDollarsPerMillion();
    double expected = (completion * output + prompt * output / 4) / 1_000_000.0;

    double dollars = CostCalculator.dollars(CATALOG.model(modelId), prompt, completion);

    assertThat(dollars).isCloseTo(expected, within(1e-12));
  }

  @Test
  void aMillionOutputTokensCostTheListedPrice() {
    assertThat(CostCalculator.dollars(CATALOG.model("glm-5"), 0, 1_000_000)).isCloseTo(1.92, within(1e-12));
    assertThat(CostCalculator.dollars(CATALOG.model("kimi-k2.5"), 0, 1_000_000)).isCloseTo(3.00, within(1e-12));
    assertThat(CostCalculator.dollars(CATALOG.model("qwen3-8b"), 0, 1_000_000)).isCloseTo(0.01, within(1e-12));
  }

  @Test
  void nothingCostsNothing() {
    assertThat(CostCalculator.dollars(CATALOG.model("deepseek-r1"), 0, 0)).isZero();
  }

  @Test
  void costIsLinearInTokens() {
    ModelSpec model = CATALOG.model("hunyuan-turbo");
    double one = CostCalculator.dollars(model, 100, 200);
    assertThat(CostCalculator.dollars(model, 1_000, 2_000)).isCloseTo(10 * one, within(1e-12));
    assertThat(CostCalculator.dollars(model, 100, 0) + CostCalculator.dollars(model, 0, 200))
        .isCloseTo(one, within(1e-15));
  }

  @Test
  void largeCountsDoNotOverflow() {
    double dollars = CostCalculator.dollars(CATALOG.model("kimi-k2.5"), 0, 10_000_000_000L);
    assertThat(dollars).isCloseTo(30_000.0, within(1e-6));
  }

  @Test
  void negativeCountsAreRejected() {
    ModelSpec model = CATALOG.model("glm-5");
    assertThatThrownBy(() -> CostCalculator.dollars(model, -1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CostCalculator.dollars(model, 10, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CostCalculator.dollars(model, -1, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSameAnswerCostsLessInACheaperTier() {
    // The point of tiered routing: 150 output tokens, every ultra-budget model cheaper than every premium one.
    List<ModelSpec> cheap = CATALOG.modelsOf(Tier.ULTRA_BUDGET);
    List<ModelSpec> dear = CATALOG.modelsOf(Tier.PREMIUM);
    for (ModelSpec c : cheap) {
      for (ModelSpec d : dear) {
        assertThat(CostCalculator.dollars(c, 20, 150)).as(c.id() + " < " + d.id())
            .isLessThan(CostCalculator.dollars(d, 20, 150));
      }
    }
    assertThat(Set.copyOf(cheap)).isNotEmpty();
  }
}
