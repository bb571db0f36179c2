package dev.meridian.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class HealthKeyTest {
  @Test
  void stringFormRoundTrips() {
    HealthKey key = new HealthKey("us-east", "qwen3.5-27b", "ap-southeast");
    assertThat(key.asString()).isEqualTo("us-east|qwen3.5-27b|ap-southeast");
    assertThat(HealthKey.parse(key.asString())).isEqualTo(key);
    assertThat(key.toString()).isEqualTo(key.asString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "us-east", "us-east|glm-5", "|glm-5|eu-west", "us-east|glm-5|", "a|b|c|d"})
  void malformedKeysAreRejected(String text) {
    assertThatThrownBy(() -> HealthKey.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void partsMayNotContainTheSeparator() {
    assertThatThrownBy(() -> new HealthKey("us|east", "m", "r")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HealthKey("u", "m|x", "r")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HealthKey("u", "m", "r|")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @NullSource
  void partsAreRequired(String nothing) {
    assertThatThrownBy(() -> new HealthKey(nothing, "m", "r")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new HealthKey("u", nothing, "r")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new HealthKey("u", "m", nothing)).isInstanceOf(NullPointerException.class);
  }
}
