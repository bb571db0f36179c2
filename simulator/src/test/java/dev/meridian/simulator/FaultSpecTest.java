package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultSpecTest {
  @Test
  void anySubsetOfFieldsLeavesTheRestFaultFree() {
    FaultSpec spec = FaultSpec.fromJson(new JsonObject().put("rateLimitRate", 0.5));
    assertThat(spec.rateLimitRate()).isEqualTo(0.5);
    assertThat(spec.retryAfterSeconds()).isEqualTo(FaultSpec.DEFAULT_RETRY_AFTER_SECONDS);
    assertThat(spec.errorRate()).isZero();
    assertThat(spec.errorStatus()).isEqualTo(500);
    assertThat(spec.stallAfterChunks()).isEqualTo(FaultSpec.OFF);
    assertThat(spec.resetAfterChunks()).isEqualTo(FaultSpec.OFF);
    assertThat(spec.down()).isFalse();
    assertThat(spec.isNone()).isFalse();
    assertThat(FaultSpec.fromJson(new JsonObject()).isNone()).isTrue();
  }

  @Test
  void jsonRoundTripKeepsActiveFaults() {
    JsonObject json =
        new JsonObject()
            .put("errorRate", 0.25)
            .put("errorStatus", 503)
            .put("addedLatencyMs", 300)
            .put("stallAfterChunks", 0)
            .put("resetAfterChunks", 4)
            .put("resetRate", 0.1)
            .put("down", true);
    FaultSpec spec = FaultSpec.fromJson(json);
    assertThat(FaultSpec.fromJson(spec.toJson())).isEqualTo(spec);
    assertThat(spec.toJson().getInteger("stallAfterChunks")).isZero();
  }

  @Test
  void withersBuildTheSameAsJson() {
    FaultSpec built = FaultSpec.NONE.withRateLimitRate(1).withRetryAfterSeconds(3).withAddedLatencyMs(50);
    FaultSpec parsed =
        FaultSpec.fromJson(
            new JsonObject().put("rateLimitRate", 1).put("retryAfterSeconds", 3).put("addedLatencyMs", 50));
    assertThat(built).isEqualTo(parsed);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"errorRate\":1.5}",
        "{\"rateLimitRate\":-0.1}",
        "{\"resetRate\":\"often\"}",
        "{\"errorStatus\":200}",
        "{\"errorStatus\":500.5}",
        "{\"stallAfterChunks\":-2}",
        "{\"resetAfterChunks\":true}",
        "{\"addedLatencyMs\":-1}",
        "{\"retryAfterSeconds\":-1}",
        "{\"down\":\"yes\"}",
        "{\"errorrate\":1}"
      })
  void rejectsInvalidFields(String body) {
    assertThatThrownBy(() -> FaultSpec.fromJson(new JsonObject(body)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'");
  }

  @Test
  void registryClearsWhenSetToNone() {
    FaultRegistry registry = new FaultRegistry();
    registry.set("glm-5", "us-east", FaultSpec.NONE.withDown(true));
    assertThat(registry.get("glm-5@us-east").down()).isTrue();
    assertThat(registry.active()).containsOnlyKeys("glm-5@us-east");
    registry.set("glm-5", "us-east", FaultSpec.NONE);
    assertThat(registry.active()).isEmpty();
    assertThat(registry.get("glm-5", "us-east")).isSameAs(FaultSpec.NONE);
  }
}
