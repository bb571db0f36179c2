package dev.meridian.launcher.bench;

import java.util.Map;

/** Small builders shared by the unit tests. */
final class BenchFixtures {
  private BenchFixtures() {}

  static BenchTarget target(String model, String region, Double price) {
    return new BenchTarget(model, model + "-upstream", region, "prov", "http://127.0.0.1:1/" + region + "/v1/chat/completions",
        Map.of("authorization", "Bearer sk-secret"), price, 100.0, 50.0);
  }

  static RunResult ok(BenchTarget target, int run, double ttftMs, double tokensPerSecond) {
    return new RunResult(target, run, null, null, null, null, 200, ttftMs, tokensPerSecond, 30, true, ttftMs + 500);
  }

  static RunResult failed(BenchTarget target, int run, String kind) {
    return RunResult.failed(target, run, null, null, kind, "detail", 500, Double.NaN, 12);
  }

  static EndpointSummary row(String model, String region, double p50, double p95, Double price) {
    return new EndpointSummary(model, region, "prov", 10, 10, Map.of(), p50, p95, p95, p50, p50, p95, 42.0, 42.0,
        price, 120.0, 80.0, "usage");
  }
}
