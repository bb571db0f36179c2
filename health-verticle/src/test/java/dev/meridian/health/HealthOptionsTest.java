package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class HealthOptionsTest {
  @Test
  void defaults() {
    HealthOptions options = new HealthOptions();

    assertThat(options.getProbeIntervalMs()).isEqualTo(30_000);
    assertThat(options.getProbeTimeoutMs()).isEqualTo(15_000);
    assertThat(options.getMaxConcurrentProbes()).isEqualTo(4);
    assertThat(options.getJitterRatio()).isEqualTo(0.2);
    assertThat(options.getProbeMaxTokens()).isEqualTo(16);
    assertThat(options.getProbePrompt()).isEqualTo("Reply with one word: ok");
    assertThat(options.getHealthPolicy().failureThreshold()).isEqualTo(3);
    assertThat(options.getFirstRoundSpreadMs()).isEqualTo(2_000);
    assertThat(options.getRegion()).isNull();
  }

  @Test
  void jsonRoundTripAndCopy() {
    JsonObject json =
        new JsonObject()
            .put("region", "eu-west")
            .put("probeIntervalMs", 1_000)
            .put("maxConcurrentProbes", 2)
            .put("healthPolicy", new JsonObject().put("failureThreshold", 5));

    HealthOptions options = new HealthOptions(json);
    HealthOptions copy = new HealthOptions(new HealthOptions(options.toJson()));

    assertThat(copy.getRegion()).isEqualTo("eu-west");
    assertThat(copy.getProbeIntervalMs()).isEqualTo(1_000);
    assertThat(copy.getMaxConcurrentProbes()).isEqualTo(2);
    assertThat(copy.getHealthPolicy().failureThreshold()).isEqualTo(5);
    assertThat(copy.getHealthPolicy().windowSize()).isEqualTo(32);
    assertThat(copy.getProbeTimeoutMs()).isEqualTo(15_000);
    assertThat(copy.toJson()).isEqualTo(options.toJson());
  }

  @Test
  void badValuesAreRefusedWithTheirName() {
    assertThatThrownBy(() -> new HealthOptions().setProbeIntervalMs(0)).hasMessageContaining("probeIntervalMs");
    assertThatThrownBy(() -> new HealthOptions().setJitterRatio(1.0)).hasMessageContaining("jitterRatio");
    assertThatThrownBy(() -> new HealthOptions(new JsonObject().put("maxConcurrentProbes", 0)))
        .hasMessageContaining("maxConcurrentProbes");
    assertThatThrownBy(() -> new HealthOptions().validate()).hasMessageContaining("region");
  }
}
