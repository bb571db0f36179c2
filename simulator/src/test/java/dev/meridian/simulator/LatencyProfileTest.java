package dev.meridian.simulator;

import static dev.meridian.simulator.LatencyProfile.AP_SOUTHEAST;
import static dev.meridian.simulator.LatencyProfile.EU_WEST;
import static dev.meridian.simulator.LatencyProfile.US_EAST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.ModelSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatencyProfileTest {
  private static final Catalog CATALOG = CatalogLoader.loadDefault();
  private static final LatencyProfile REAL_TIME = new LatencyProfile(1.0);
  private static final List<String> REGIONS = List.of(US_EAST, EU_WEST, AP_SOUTHEAST);

  private static ModelSpec model(String id) {
    return CATALOG.model(id);
  }

  @Test
  void usEastIsTheCatalogNominalForEveryModel() {
    for (ModelSpec model : CATALOG.models()) {
      assertThat(REAL_TIME.ttftMs(model, US_EAST)).isEqualTo(model.nominalTtftMs());
    }
  }

  @ParameterizedTest
  @CsvSource({"deepseek-v4-flash,150", "qwen3-32b,210", "glm-5,420", "kimi-k2.5,480"})
  void apSoutheastUsesThePublishedSingaporeValues(String modelId, double expectedMs) {
    assertThat(REAL_TIME.ttftMs(model(modelId), AP_SOUTHEAST)).isEqualTo(expectedMs);
  }

  @Test
  void apSoutheastIsSeventeenPercentFasterForUnpublishedModels() {
    assertThat(REAL_TIME.ttftMs(model("glm-4-32b"), AP_SOUTHEAST)).isCloseTo(249.0, within(1e-9));
    assertThat(REAL_TIME.ttftMs(model("deepseek-r1"), AP_SOUTHEAST)).isCloseTo(664.0, within(1e-9));
  }

  @Test
  void euWestIsFifteenPercentSlower() {
    assertThat(REAL_TIME.ttftMs(model("step-3.5-flash"), EU_WEST)).isCloseTo(138.0, within(1e-9));
    // The published Singapore values do not leak into other regions.
    assertThat(REAL_TIME.ttftMs(model("glm-5"), EU_WEST)).isCloseTo(575.0, within(1e-9));
  }

  @Test
  void unknownRegionFallsBackToNominal() {
    assertThat(REAL_TIME.ttftMs(model("glm-5"), "sa-east")).isEqualTo(500.0);
  }

  @ParameterizedTest
  @CsvSource({
    "us-east,eu-west,75", "us-east,ap-southeast,210", "eu-west,ap-southeast,160",
    "us-east,us-east,0", "eu-west,eu-west,0", "ap-southeast,ap-southeast,0"
  })
  void roundTripTable(String a, String b, double expectedMs) {
    assertThat(REAL_TIME.rttMs(a, b)).isEqualTo(expectedMs);
  }

  @Test
  void roundTripIsSymmetric() {
    for (String a : REGIONS) {
      for (String b : REGIONS) {
        assertThat(REAL_TIME.rttMs(a, b)).as(a + "<->" + b).isEqualTo(REAL_TIME.rttMs(b, a));
      }
    }
  }

  @Test
  void unknownOrAbsentCallerCostsNothing() {
    assertThat(REAL_TIME.rttMs(null, US_EAST)).isZero();
    assertThat(REAL_TIME.rttMs("mars-north", US_EAST)).isZero();
    assertThat(REAL_TIME.rttMs("", AP_SOUTHEAST)).isZero();
  }

  @Test
  void tokensPerSecondIsNominalEverywhere() {
    ModelSpec model = model("qwen3-8b");
    assertThat(REAL_TIME.tokensPerSecond(model)).isEqualTo(70.0);
    assertThat(REAL_TIME.tokenIntervalMs(model)).isCloseTo(1000.0 / 70, within(1e-9));
  }

  @Test
  void scaleMultipliesEveryDelay() {
    LatencyProfile fast = new LatencyProfile(0.1);
    ModelSpec model = model("kimi-k2.5");
    assertThat(fast.ttftMs(model, AP_SOUTHEAST)).isCloseTo(48.0, within(1e-9));
    assertThat(fast.rttMs(US_EAST, AP_SOUTHEAST)).isCloseTo(21.0, within(1e-9));
    assertThat(fast.tokenIntervalMs(model)).isCloseTo(5.0, within(1e-9));
    assertThat(fast.scaled(1000)).isCloseTo(100.0, within(1e-9));
    // Scaling changes delays, not the published facts.
    assertThat(fast.nominalTtftMs(model, AP_SOUTHEAST)).isEqualTo(480.0);
    assertThat(fast.tokensPerSecond(model)).isEqualTo(20.0);
  }

  @Test
  void zeroScaleMakesEverythingInstant() {
    LatencyProfile instant = new LatencyProfile(0);
    assertThat(instant.ttftMs(model("qwen3.5-397b"), EU_WEST)).isZero();
    assertThat(instant.rttMs(US_EAST, AP_SOUTHEAST)).isZero();
    assertThat(instant.tokenIntervalMs(model("qwen3.5-397b"))).isZero();
  }

  @Test
  void rejectsNegativeOrNonFiniteScale() {
    assertThatThrownBy(() -> new LatencyProfile(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencyProfile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencyProfile(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jitterStaysWithinItsRatioAndIsReproducible() {
    Random random = new Random(7);
    double min = Double.MAX_VALUE;
    double max = 0;
    for (int i = 0; i < 10_000; i++) {
      double ms = LatencyProfile.withJitter(100, 0.03, random);
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertThat(min).isBetween(97.0, 98.0);
    assertThat(max).isBetween(102.0, 103.0);
    assertThat(LatencyProfile.withJitter(100, 0.03, new Random(1)))
        .isEqualTo(LatencyProfile.withJitter(100, 0.03, new Random(1)));
    assertThat(LatencyProfile.withJitter(100, 0, random)).isEqualTo(100.0);
  }
}
