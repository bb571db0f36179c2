package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChainStepTest {
  private static final double NAN = Double.NaN;

  static Stream<Arguments> admissions() {
    return Stream.of(
        // maxTtftMs, minTokensPerSecond, observed ttft, observed tokens/s, admitted
        Arguments.of("no limits, anything passes", NAN, NAN, 99_999.0, 0.1, true),
        Arguments.of("no limits, nothing observed", NAN, NAN, NAN, NAN, true),
        Arguments.of("ttft under the limit", 300.0, NAN, 299.0, 5.0, true),
        Arguments.of("ttft exactly at the limit", 300.0, NAN, 300.0, 5.0, true),
        Arguments.of("ttft just over the limit", 300.0, NAN, 300.001, 5.0, false),
        Arguments.of("ttft unknown passes", 300.0, NAN, NAN, 5.0, true),
        Arguments.of("speed over the minimum", NAN, 40.0, 9_000.0, 41.0, true),
        Arguments.of("speed exactly at the minimum", NAN, 40.0, 9_000.0, 40.0, true),
        Arguments.of("speed just under the minimum", NAN, 40.0, 100.0, 39.999, false),
        Arguments.of("speed unknown passes", NAN, 40.0, 100.0, NAN, true),
        Arguments.of("both met", 400.0, 40.0, 400.0, 40.0, true),
        Arguments.of("both met, well inside", 400.0, 40.0, 100.0, 90.0, true),
        Arguments.of("ttft missed, speed met", 400.0, 40.0, 401.0, 90.0, false),
        Arguments.of("ttft met, speed missed", 400.0, 40.0, 100.0, 39.0, false),
        Arguments.of("both missed", 400.0, 40.0, 800.0, 10.0, false),
        Arguments.of("ttft unknown, speed missed", 400.0, 40.0, NAN, 10.0, false),
        Arguments.of("ttft missed, speed unknown", 400.0, 40.0, 800.0, NAN, false),
        Arguments.of("both unknown", 400.0, 40.0, NAN, NAN, true),
        Arguments.of("zero ttft limit admits only zero", 0.0, NAN, 0.0, NAN, true),
        Arguments.of("zero ttft limit rejects anything slower", 0.0, NAN, 0.5, NAN, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("admissions")
  void admits(String name, double maxTtft, double minSpeed, double ttft, double speed, boolean admitted) {
    ChainStep step = new ChainStep(List.of("m"), maxTtft, minSpeed);
    assertThat(step.admits(ttft, speed)).as(name).isEqualTo(admitted);
  }

  @Test
  void ofHasNoLimits() {
    ChainStep step = ChainStep.of(List.of("a", "b"));
    assertThat(step.models()).containsExactly("a", "b");
    assertThat(step.maxTtftMs()).isNaN();
    assertThat(step.minTokensPerSecond()).isNaN();
    assertThat(step.admits(1e9, 1e-9)).isTrue();
  }

  @Test
  void aStepNeedsAModel() {
    assertThatThrownBy(() -> ChainStep.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one model");
    assertThatThrownBy(() -> new ChainStep(List.of(), 100, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void modelsAreCopiedAndReadOnly() {
    List<String> models = new ArrayList<>(List.of("a"));
    ChainStep step = ChainStep.of(models);
    models.add("b");
    assertThat(step.models()).containsExactly("a");
    assertThatThrownBy(() -> step.models().add("c")).isInstanceOf(UnsupportedOperationException.class);
  }
}
