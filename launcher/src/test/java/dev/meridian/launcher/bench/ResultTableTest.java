package dev.meridian.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {
  @Test
  void rendersOneAlignedMarkdownRowPerModelAndRegion() {
    EndpointSummary fast = BenchFixtures.row("step-3.5-flash", "us-east", 121.4, 130.2, 0.15);
    EndpointSummary broken =
        new EndpointSummary("a-very-long-model-name", "ap-southeast", null, 10, 7, Map.of("timeout", 1, "http_500", 2),
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            null, null, null, null);
    String table = ResultTable.render(List.of(fast, broken));
    List<String> lines = table.lines().toList();

    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("| model ").contains("TTFT p50 ms", "p95 ms", "p99 ms", "tok/s p50", "$/M out");
    assertThat(lines.get(1)).matches("\\|[-:|]+\\|");
    assertThat(lines.stream().map(String::length).distinct()).hasSize(1);
    assertThat(lines.get(2)).contains("| step-3.5-flash ", "| us-east ", "10/10", " 121 ", " 130 ", " 42.0 ", " 0.15 ",
        " 120 ", " 80.0 ");
    assertThat(lines.get(3)).contains("a-very-long-model-name", "7/10", "http_500 x2, timeout x1");
    // Unknown numbers are dashes, not NaN.
    assertThat(lines.get(3)).doesNotContain("NaN");
  }

  @Test
  void formatsMillisecondsTokensAndPrices() {
    assertThat(ResultTable.ms(1234.4)).isEqualTo("1234");
    assertThat(ResultTable.ms(99.94)).isEqualTo("99.9");
    assertThat(ResultTable.ms(Double.NaN)).isEqualTo("-");
    assertThat(ResultTable.oneDecimal(79.96)).isEqualTo("80.0");
    assertThat(ResultTable.price(2.5)).isEqualTo("2.50");
    assertThat(ResultTable.price(0.01)).isEqualTo("0.01");
    assertThat(ResultTable.price(0.0375)).isEqualTo("0.0375");
    assertThat(ResultTable.price(null)).isEqualTo("-");
  }
}
