package dev.meridian.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void interpolatesBetweenClosestRanks() {
    // Ten runs, given out of order: rank = p/100 x 9 over 10..100.
    Percentiles p = Percentiles.of(70, 10, 100, 40, 20, 90, 30, 60, 50, 80);
    assertThat(p.count()).isEqualTo(10);
    assertThat(p.median()).isCloseTo(55.0, within(1e-9));
    assertThat(p.percentile(95)).isCloseTo(95.5, within(1e-9));
    assertThat(p.percentile(99)).isCloseTo(99.1, within(1e-9));
    assertThat(p.percentile(0)).isEqualTo(10);
    assertThat(p.percentile(100)).isEqualTo(100);
    assertThat(p.mean()).isCloseTo(55.0, within(1e-9));
    assertThat(p.min()).isEqualTo(10);
    assertThat(p.max()).isEqualTo(100);
  }

  @Test
  void oddCountMedianIsTheMiddleValue() {
    assertThat(Percentiles.of(3, 1, 2).median()).isEqualTo(2);
    assertThat(Percentiles.of(List.of(5.0, 1.0, 9.0, 7.0, 3.0)).percentile(75)).isEqualTo(7);
  }

  @Test
  void oneValueIsEveryPercentile() {
    Percentiles p = Percentiles.of(42);
    assertThat(p.percentile(1)).isEqualTo(42);
    assertThat(p.percentile(99)).isEqualTo(42);
  }

  @Test
  void emptyOrAllNaNGivesNaNAndNaNIsIgnored() {
    assertThat(Percentiles.of().median()).isNaN();
    assertThat(Percentiles.of(Double.NaN, Double.NaN).percentile(99)).isNaN();
    assertThat(Percentiles.of(Double.NaN, 4, 2).median()).isEqualTo(3);
    assertThat(Percentiles.of(Double.NaN, 4, 2).count()).isEqualTo(2);
  }

  @Test
  void rejectsPercentilesOutsideZeroToHundred() {
    assertThatThrownBy(() -> Percentiles.of(1, 2).percentile(101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Percentiles.of(1, 2).percentile(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
