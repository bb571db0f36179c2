package dev.meridian.launcher.bench;

import static dev.meridian.launcher.bench.BenchFixtures.failed;
import static dev.meridian.launcher.bench.BenchFixtures.ok;
import static dev.meridian.launcher.bench.BenchFixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointSummaryTest {
  @Test
  void summarisesSuccessfulRunsAndCountsErrorsByKind() {
    BenchTarget t = target("m", "us-east", 0.25);
    List<RunResult> runs = List.of(
        ok(t, 1, 100, 50), ok(t, 2, 300, 70), ok(t, 3, 200, Double.NaN), failed(t, 4, "timeout"),
        failed(t, 5, "http_500"), failed(t, 6, "http_500"));
    EndpointSummary row = EndpointSummary.of("m", "us-east", runs, 0.25);
    assertThat(row.runs()).isEqualTo(6);
    assertThat(row.ok()).isEqualTo(3);
    assertThat(row.errorCount()).isEqualTo(3);
    assertThat(row.errors()).containsExactly(Map.entry("http_500", 2), Map.entry("timeout", 1));
    assertThat(row.ttftP50Ms()).isEqualTo(200);
    assertThat(row.ttftP95Ms()).isCloseTo(290, within(1e-9));
    assertThat(row.ttftMeanMs()).isCloseTo(200, within(1e-9));
    assertThat(row.tokensPerSecondMedian()).isEqualTo(60); // the NaN run has no speed
    assertThat(row.outputDollarsPerMillion()).isEqualTo(0.25);
    assertThat(row.catalogTtftMs()).isEqualTo(100.0);
    assertThat(row.tokenSource()).isEqualTo("usage");
  }

  @Test
  void unscalingUndoesTheSimulatorsLatencyScale() {
    BenchTarget t = target("m", "us-east", 1.0);
    EndpointSummary row = EndpointSummary.of("m", "us-east", List.of(ok(t, 1, 60, 160)), 1.0);
    EndpointSummary nominal = row.unscaled(0.5);
    assertThat(nominal.ttftP50Ms()).isEqualTo(120);
    assertThat(nominal.ttftP99Ms()).isEqualTo(120);
    assertThat(nominal.tokensPerSecondMedian()).isEqualTo(80);
    assertThat(row.unscaled(1.0)).isSameAs(row);
    assertThat(row.unscaled(0)).isSameAs(row);
  }

  @Test
  void groupsByModelAndRegionInTargetOrder() {
    BenchTarget aEast = target("a", "us-east", 1.0);
    BenchTarget aAsia = target("a", "ap-southeast", 1.0);
    BenchTarget b = target("b", "us-east", 2.0);
    List<BenchTarget> targets = List.of(aEast, aAsia, b);
    List<RunResult> results = List.of(ok(b, 1, 10, 1), ok(aAsia, 1, 20, 1), ok(aEast, 1, 30, 1), ok(aEast, 2, 40, 1));
    List<EndpointSummary> rows = EndpointSummary.summarize(targets, results, m -> null);
    assertThat(rows).extracting(r -> r.model() + "@" + r.region() + "x" + r.runs())
        .containsExactly("a@us-eastx2", "a@ap-southeastx1", "b@us-eastx1");
  }

  @Test
  void throughARouterRowsFollowTheAnsweringRegionAndModel() {
    BenchTarget tier = new BenchTarget("budget", "budget", null, "meridian", "http://r/v1/chat/completions",
        Map.of(), null, null, null);
    List<RunResult> results = List.of(
        new RunResult(tier, 1, "deepseek-v4-flash", "us-east", null, null, 200, 180, 60, 30, true, 700),
        new RunResult(tier, 2, "deepseek-v4-flash", "us-east", null, null, 200, 190, 60, 30, true, 700),
        new RunResult(tier, 3, "qwen3-32b", "ap-southeast", null, null, 200, 460, 45, 30, true, 900));
    List<EndpointSummary> rows =
        EndpointSummary.summarize(List.of(tier), results, m -> m.equals("deepseek-v4-flash") ? 0.25 : 0.28);
    assertThat(rows).extracting(EndpointSummary::model, EndpointSummary::region, EndpointSummary::outputDollarsPerMillion)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("budget -> deepseek-v4-flash", "us-east", 0.25),
            org.assertj.core.groups.Tuple.tuple("budget -> qwen3-32b", "ap-southeast", 0.28));
  }
}
