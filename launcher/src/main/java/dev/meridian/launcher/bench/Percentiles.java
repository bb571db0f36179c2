package dev.meridian.launcher.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * Order statistics of a small sample (a handful of runs per endpoint). Percentiles interpolate linearly
 * between the two nearest ranks, rank = p/100 x (n - 1) over the sorted values, so p50 of an even
 * count is the mean of the middle two and p100 is the maximum (the same definition as numpy's default
 * and Excel's PERCENTILE.INC). With 10 runs, p95 and p99 lie between the two slowest runs. NaN values
 * are ignored; an empty sample gives NaN.
 */
public final class Percentiles {
  private final double[] sorted;

  private Percentiles(double[] sorted) {
    this.sorted = sorted;
  }

  public static Percentiles of(double... values) {
    double[] kept = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    Arrays.sort(kept);
    return new Percentiles(kept);
  }

  public static Percentiles of(Collection<Double> values) {
    return of(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public int count() {
    return sorted.length;
  }

  /** @param p 0..100 */
  public double percentile(double p) {
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be within 0..100, got " + p);
    }
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double rank = p / 100.0 * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = (int) Math.ceil(rank);
    return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
  }

  public double median() {
    return percentile(50);
  }

  public double min() {
    return sorted.length == 0 ? Double.NaN : sorted[0];
  }

  public double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  public double mean() {
    return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).sum() / sorted.length;
  }
}
