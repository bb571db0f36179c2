package dev.meridian.launcher.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The runs of one model in one region, reduced to a table row. TTFT percentiles and the mean are over
 * successful runs only; tokens/s is the median of the runs where it could be measured.
 *
 * @param model the model label ({@code requested -> served} when a router answered with another model)
 * @param region the endpoint's region (through a router: the region that answered)
 * @param errors error count by kind, sorted by kind
 * @param tokenSource {@code usage} when every successful run reported usage, {@code counted} when none
 *     did, {@code mixed} otherwise, null without successful runs
 */
public record EndpointSummary(
    String model,
    String region,
    String provider,
    int runs,
    int ok,
    Map<String, Integer> errors,
    double ttftP50Ms,
    double ttftP95Ms,
    double ttftP99Ms,
    double ttftMeanMs,
    double ttftMinMs,
    double ttftMaxMs,
    double tokensPerSecondMedian,
    double tokensPerSecondMean,
    Double outputDollarsPerMillion,
    Double catalogTtftMs,
    Double catalogTokensPerSecond,
    String tokenSource) {

  public EndpointSummary {
    errors = java.util.Collections.unmodifiableMap(new TreeMap<>(errors));
  }

  public int errorCount() {
    return runs - ok;
  }

  /**
   * Times converted back to the simulator's nominal speed: a simulator at latency scale {@code s}
   * stretches every delay by {@code s}, so TTFT is divided by it and tokens/s multiplied. Scale 1 (or
   * 0, which cannot be undone) returns this row unchanged.
   */
  public EndpointSummary unscaled(double latencyScale) {
    if (latencyScale <= 0 || latencyScale == 1.0) {
      return this;
    }
    double s = latencyScale;
    return new EndpointSummary(model, region, provider, runs, ok, errors,
        ttftP50Ms / s, ttftP95Ms / s, ttftP99Ms / s, ttftMeanMs / s, ttftMinMs / s, ttftMaxMs / s,
        tokensPerSecondMedian * s, tokensPerSecondMean * s,
        outputDollarsPerMillion, catalogTtftMs, catalogTokensPerSecond, tokenSource);
  }

  /** One row from the runs of one group (all of the same model label and region). */
  public static EndpointSummary of(String model, String region, List<RunResult> runs, Double price) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs for " + model + "@" + region);
    }
    BenchTarget target = runs.get(0).target();
    List<Double> ttfts = new ArrayList<>();
    List<Double> speeds = new ArrayList<>();
    Map<String, Integer> errors = new TreeMap<>();
    int ok = 0;
    int fromUsage = 0;
    for (RunResult run : runs) {
      if (run.ok()) {
        ok++;
        ttfts.add(run.ttftMs());
        speeds.add(run.tokensPerSecond());
        if (run.tokensFromUsage()) {
          fromUsage++;
        }
      } else {
        errors.merge(run.error(), 1, Integer::sum);
      }
    }
    Percentiles ttft = Percentiles.of(ttfts);
    Percentiles speed = Percentiles.of(speeds);
    String tokenSource = ok == 0 ? null : fromUsage == ok ? "usage" : fromUsage == 0 ? "counted" : "mixed";
    boolean sameModel = model.equals(target.model());
    return new EndpointSummary(model, region, sameModel ? target.provider() : null, runs.size(), ok, errors,
        ttft.percentile(50), ttft.percentile(95), ttft.percentile(99), ttft.mean(), ttft.min(), ttft.max(),
        speed.median(), speed.mean(), price,
        sameModel ? target.catalogTtftMs() : null, sameModel ? target.catalogTokensPerSecond() : null,
        tokenSource);
  }

  /**
   * Groups runs by model label and region and summarises each group. Rows follow the order of {@code
   * targets} (the catalog's order), then region name.
   *
   * @param priceOfServedModel price of a model a router answered with instead of the one asked for;
   *     may return null
   */
  public static List<EndpointSummary> summarize(
      List<BenchTarget> targets, List<RunResult> results, Function<String, Double> priceOfServedModel) {
    Map<BenchTarget, Integer> order = new IdentityHashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      order.putIfAbsent(targets.get(i), i);
    }
    Map<List<String>, List<RunResult>> groups = new LinkedHashMap<>();
    Map<List<String>, Integer> groupOrder = new LinkedHashMap<>();
    for (RunResult result : results) {
      List<String> key = List.of(result.modelLabel(), result.region());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(result);
      int index = order.getOrDefault(result.target(), Integer.MAX_VALUE);
      groupOrder.merge(key, index, Math::min);
    }
    List<List<String>> keys = new ArrayList<>(groups.keySet());
    keys.sort(Comparator.<List<String>>comparingInt(groupOrder::get)
        .thenComparing(k -> k.get(0))
        .thenComparing(k -> k.get(1)));
    List<EndpointSummary> rows = new ArrayList<>();
    for (List<String> key : keys) {
      List<RunResult> runs = groups.get(key);
      RunResult first = runs.get(0);
      Double price = first.modelLabel().equals(first.target().model())
          ? first.target().outputDollarsPerMillion()
          : priceOfServedModel.apply(first.servedModel());
      rows.add(of(key.get(0), key.get(1), runs, price));
    }
    return rows;
  }
}
