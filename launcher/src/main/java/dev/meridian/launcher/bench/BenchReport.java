package dev.meridian.launcher.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A finished benchmark: what was measured, every timed request, and the rows, with the renderings the
 * command writes (text table, JSON, SVG chart).
 *
 * @param source one line saying what was measured
 * @param measured rows as measured (simulator-scaled times when the latency scale is not 1)
 * @param results every timed request (warm-ups excluded)
 * @param warmupErrors failed warm-up requests
 */
public record BenchReport(
    BenchOptions options,
    String source,
    Instant startedAt,
    double durationSeconds,
    List<BenchTarget> targets,
    List<RunResult> results,
    List<EndpointSummary> measured,
    int warmupErrors) {

  public BenchReport {
    targets = List.copyOf(targets);
    results = List.copyOf(results);
    measured = List.copyOf(measured);
  }

  public double latencyScale() {
    return options.latencyScale();
  }

  /** Whether reported times were converted back to the simulator's nominal speed. */
  public boolean unscaled() {
    return latencyScale() > 0 && latencyScale() != 1.0;
  }

  /** The rows as printed and charted: at nominal speed when the latency scale is not 1. */
  public List<EndpointSummary> reported() {
    return measured.stream().map(row -> row.unscaled(latencyScale())).toList();
  }

  public long errors() {
    return results.stream().filter(r -> !r.ok()).count();
  }

  public long successes() {
    return results.size() - errors();
  }

  public String text() {
    StringBuilder out = new StringBuilder();
    out.append("meridian bench: ").append(source).append('\n');
    out.append(String.format(Locale.ROOT,
        "%d timed run(s) per endpoint + %d warm-up, concurrency %d, max_tokens %d, prompt \"%s\", streaming%s%n",
        options.runs(), options.warmup(), options.concurrency(), options.maxTokens(), options.prompt(),
        options.streamUsage() ? " with usage" : ""));
    out.append(String.format(Locale.ROOT, "%d requests in %.1f s, %d error(s)%s%n", results.size(),
        durationSeconds, errors(), warmupErrors > 0 ? " (+" + warmupErrors + " failed warm-up)" : ""));
    if (unscaled()) {
      out.append(String.format(Locale.ROOT,
          "Simulator latency scale %s: times shown at nominal speed (measured ms / %s, tokens/s x %s); "
              + "the JSON has both.%n",
          plain(latencyScale()), plain(latencyScale()), plain(latencyScale())));
    }
    out.append('\n').append(ResultTable.render(reported()));
    if (reported().stream().anyMatch(r -> r.catalogTtftMs() != null)) {
      out.append("\ncatalog TTFT, catalog tok/s: the catalog's published figures (shared/catalog-facts.md, "
          + "measured from US East).\n");
    }
    return out.toString();
  }

  public String svg() {
    String title = "TTFT p50 vs price per million output tokens";
    String subtitle = String.format(Locale.ROOT,
        "meridian bench, %s UTC: %d runs per endpoint, max_tokens %d, concurrency %d%s%n%s",
        startedAt.toString().substring(0, 19).replace('T', ' '), options.runs(), options.maxTokens(),
        options.concurrency(),
        unscaled() ? ", times at nominal speed (latency scale " + plain(latencyScale()) + ")" : "", source);
    return PriceChart.render(reported(), title, subtitle);
  }

  public JsonObject toJson() {
    JsonObject settings =
        new JsonObject()
            .put("mode", options.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .put("runs", options.runs())
            .put("warmup", options.warmup())
            .put("concurrency", options.concurrency())
            .put("maxTokens", options.maxTokens())
            .put("prompt", options.prompt())
            .put("timeoutMs", options.timeoutMs())
            .put("streamUsage", options.streamUsage())
            .put("latencyScale", options.latencyScale())
            .put("regionHeader", options.regionHeader())
            .put("models", new JsonArray(options.models()))
            .put("endpointRegions", new JsonArray(options.endpointRegions()));
    JsonArray rows = new JsonArray();
    List<EndpointSummary> reported = reported();
    for (int i = 0; i < measured.size(); i++) {
      JsonObject row = rowJson(reported.get(i));
      if (unscaled()) {
        row.put("measured", timings(measured.get(i)));
      }
      rows.add(row);
    }
    JsonArray requests = new JsonArray();
    for (RunResult r : results) {
      requests.add(
          new JsonObject()
              .put("model", r.target().model())
              .put("requestModel", r.target().requestModel())
              .put("region", r.region())
              .put("servedModel", r.servedModel())
              .put("url", r.target().url())
              .put("run", r.run())
              .put("ok", r.ok())
              .put("error", r.error())
              .put("errorDetail", r.errorDetail())
              .put("httpStatus", r.httpStatus() == 0 ? null : r.httpStatus())
              .put("ttftMs", number(r.ttftMs()))
              .put("tokensPerSecond", number(r.tokensPerSecond()))
              .put("tokens", r.tokens())
              .put("tokensFromUsage", r.tokensFromUsage())
              .put("totalMs", number(r.totalMs())));
    }
    return new JsonObject()
        .put("tool", "meridian bench")
        .put("startedAt", startedAt.toString())
        .put("durationSeconds", round(durationSeconds, 3))
        .put("source", source)
        .put("settings", settings)
        .put("timesAtNominalSpeed", unscaled())
        .put("definitions", new JsonObject()
            .put("ttftMs", "request sent to first delta with non-empty content or reasoning_content")
            .put("tokensPerSecond", "(completion tokens - 1) / (last token - first token); tokens from "
                + "usage.completion_tokens when reported, else counted deltas")
            .put("percentiles", "linear interpolation between closest ranks over successful runs"))
        .put("results", rows)
        .put("requests", requests);
  }

  private static JsonObject rowJson(EndpointSummary row) {
    JsonObject json =
        new JsonObject()
            .put("model", row.model())
            .put("region", row.region())
            .put("provider", row.provider())
            .put("runs", row.runs())
            .put("ok", row.ok())
            .put("errors", row.errorCount())
            .put("errorKinds", new JsonObject(Map.copyOf(row.errors())))
            .put("outputDollarsPerMillion", row.outputDollarsPerMillion())
            .put("tokenSource", row.tokenSource());
    json.mergeIn(timings(row));
    JsonObject catalog = new JsonObject();
    if (row.catalogTtftMs() != null) {
      catalog.put("ttftMs", row.catalogTtftMs());
    }
    if (row.catalogTokensPerSecond() != null) {
      catalog.put("tokensPerSecond", row.catalogTokensPerSecond());
    }
    if (!catalog.isEmpty()) {
      json.put("catalog", catalog);
    }
    return json;
  }

  private static JsonObject timings(EndpointSummary row) {
    return new JsonObject()
        .put("ttftMs", new JsonObject()
            .put("p50", number(row.ttftP50Ms()))
            .put("p95", number(row.ttftP95Ms()))
            .put("p99", number(row.ttftP99Ms()))
            .put("mean", number(row.ttftMeanMs()))
            .put("min", number(row.ttftMinMs()))
            .put("max", number(row.ttftMaxMs())))
        .put("tokensPerSecond", new JsonObject()
            .put("median", number(row.tokensPerSecondMedian()))
            .put("mean", number(row.tokensPerSecondMean())));
  }

  /** JSON has no NaN: unknown values are null. Three decimals are plenty for milliseconds. */
  private static Double number(double value) {
    return Double.isFinite(value) ? round(value, 3) : null;
  }

  private static double round(double value, int decimals) {
    double factor = Math.pow(10, decimals);
    return Math.round(value * factor) / factor;
  }

  static String plain(double value) {
    return new java.math.BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }
}
