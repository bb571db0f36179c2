package dev.meridian.launcher.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The results as a text table, one row per model and region, columns padded so it reads in a terminal
 * and pastes as a Markdown table. Unknown values print as {@code -}.
 */
public final class ResultTable {
  static final List<String> HEADER =
      List.of("model", "region", "ok/runs", "TTFT p50 ms", "p95 ms", "p99 ms", "tok/s p50", "$/M out",
          "catalog TTFT", "catalog tok/s", "errors");
  /** Columns aligned right (numbers). */
  private static final boolean[] RIGHT =
      {false, false, true, true, true, true, true, true, true, true, false};

  private ResultTable() {}

  public static String render(List<EndpointSummary> rows) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(HEADER);
    for (EndpointSummary row : rows) {
      cells.add(List.of(
          row.model(),
          row.region(),
          row.ok() + "/" + row.runs(),
          ms(row.ttftP50Ms()),
          ms(row.ttftP95Ms()),
          ms(row.ttftP99Ms()),
          oneDecimal(row.tokensPerSecondMedian()),
          price(row.outputDollarsPerMillion()),
          row.catalogTtftMs() == null ? "-" : ms(row.catalogTtftMs()),
          row.catalogTokensPerSecond() == null ? "-" : oneDecimal(row.catalogTokensPerSecond()),
          errors(row.errors())));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < line.size(); i++) {
        widths[i] = Math.max(widths[i], Math.max(3, line.get(i).length()));
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < cells.size(); r++) {
      appendLine(out, cells.get(r), widths);
      if (r == 0) {
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
          String dashes = "-".repeat(widths[i] + (RIGHT[i] ? 1 : 2));
          out.append(RIGHT[i] ? dashes + ":" : dashes).append('|');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static void appendLine(StringBuilder out, List<String> line, int[] widths) {
    out.append('|');
    for (int i = 0; i < line.size(); i++) {
      String cell = line.get(i);
      String pad = " ".repeat(widths[i] - cell.length());
      out.append(' ').append(RIGHT[i] ? pad + cell : cell + pad).append(" |");
    }
    out.append('\n');
  }

  /** Whole milliseconds from 100 ms up, one decimal below (loopback and scaled runs are short). */
  static String ms(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "-";
    }
    return Math.abs(value) >= 100
        ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  static String oneDecimal(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** At least two decimals, more only when the price has them (0.0375). */
  static String price(Double value) {
    if (value == null || value.isNaN() || value.isInfinite()) {
      return "-";
    }
    BigDecimal exact = new BigDecimal(String.format(Locale.ROOT, "%.6f", value)).stripTrailingZeros();
    return exact.scale() <= 2 ? String.format(Locale.ROOT, "%.2f", value) : exact.toPlainString();
  }

  static String errors(Map<String, Integer> errors) {
    if (errors.isEmpty()) {
      return "-";
    }
    return errors.entrySet().stream()
        .map(e -> e.getKey() + " x" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
