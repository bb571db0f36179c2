package dev.meridian.launcher.bench;

/**
 * One timed request of the benchmark.
 *
 * @param target what was asked
 * @param run 1-based run number
 * @param servedModel the model that answered when a router said so ({@code x-meridian-model}), else null
 * @param servedRegion the region that answered when a router said so ({@code x-meridian-region}), else null
 * @param error null when the request succeeded, else a short kind: {@code http_<status>}, {@code
 *     timeout}, {@code connect}, {@code reset}, {@code stream_error}, {@code no_tokens}, {@code not_streamed}
 * @param errorDetail a message for the error kind (never contains request headers), or null
 * @param httpStatus the response status, 0 when none arrived
 * @param ttftMs request sent to first token, NaN when none arrived
 * @param tokensPerSecond generation speed after the first token, NaN when not measurable
 * @param tokens completion tokens (from usage when {@code tokensFromUsage}), 0 when none
 * @param totalMs request sent to end of stream (or to the failure)
 */
public record RunResult(
    BenchTarget target,
    int run,
    String servedModel,
    String servedRegion,
    String error,
    String errorDetail,
    int httpStatus,
    double ttftMs,
    double tokensPerSecond,
    int tokens,
    boolean tokensFromUsage,
    double totalMs) {

  public boolean ok() {
    return error == null;
  }

  /** The region results are grouped by: where the answer came from if known, else the target's region. */
  public String region() {
    if (servedRegion != null && !servedRegion.isBlank()) {
      return servedRegion;
    }
    return target.region() == null ? "-" : target.region();
  }

  /** The model results are grouped by: the one asked for, and the one that answered when it differs. */
  public String modelLabel() {
    if (servedModel == null || servedModel.isBlank() || servedModel.equals(target.model())) {
      return target.model();
    }
    return target.model() + " -> " + servedModel;
  }

  static RunResult failed(BenchTarget target, int run, String servedModel, String servedRegion,
      String error, String detail, int status, double ttftMs, double totalMs) {
    return new RunResult(target, run, servedModel, servedRegion, error, detail, status, ttftMs, Double.NaN, 0,
        false, totalMs);
  }
}
