package dev.meridian.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HealthPolicyTest {
  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(0, 32, 0.3, 1000L),
        Arguments.of(3, 0, 0.3, 1000L),
        Arguments.of(3, 32, 0.0, 1000L),
        Arguments.of(3, 32, 1.01, 1000L),
        Arguments.of(3, 32, Double.NaN, 1000L),
        Arguments.of(3, 32, 0.3, 0L));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void rejectsNonsense(int k, int window, double alpha, long stale) {
    assertThatThrownBy(() -> new HealthPolicy(k, window, alpha, stale))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stalenessCoversThreeMissedProbes() {
    HealthPolicy policy = HealthPolicy.forProbeInterval(30_000);
    assertThat(policy.staleAfterMs()).isGreaterThan(3 * 30_000);
    assertThat(policy.failureThreshold()).isEqualTo(HealthPolicy.DEFAULT.failureThreshold());
    assertThat(HealthPolicy.DEFAULT.staleAfterMs()).isGreaterThan(3 * 30_000);
  }

  @Test
  void withersChangeOnlyTheirField() {
    HealthPolicy base = HealthPolicy.DEFAULT;
    assertThat(base.withFailureThreshold(7))
        .isEqualTo(new HealthPolicy(7, base.windowSize(), base.ewmaAlpha(), base.staleAfterMs()));
    assertThat(base.withEwmaAlpha(1.0))
        .isEqualTo(new HealthPolicy(base.failureThreshold(), base.windowSize(), 1.0, base.staleAfterMs()));
    assertThat(base.withStaleAfterMs(5))
        .isEqualTo(new HealthPolicy(base.failureThreshold(), base.windowSize(), base.ewmaAlpha(), 5));
  }
}
