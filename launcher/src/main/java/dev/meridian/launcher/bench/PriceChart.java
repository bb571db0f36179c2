package dev.meridian.launcher.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained SVG scatter plot of TTFT p50 (linear, up) against the price per million output tokens
 * (log scale, right): one dot per model and region, coloured by region, a thin whisker up to p95, and
 * the model's name beside it. Rows without a price or without a successful run are left out and
 * counted in a note. No script, no external fonts or styles.
 */
public final class PriceChart {
  static final int WIDTH = 960;
  static final int HEIGHT = 600;
  static final int LEFT = 80;
  static final int RIGHT = 190;
  static final int TOP = 64;
  static final int BOTTOM = 72;
  private static final String[] PALETTE =
      {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

  private PriceChart() {}

  /** @param subtitle one line under the title, e.g. what was measured and how */
  public static String render(List<EndpointSummary> rows, String title, String subtitle) {
    List<EndpointSummary> plotted = new ArrayList<>();
    int skipped = 0;
    for (EndpointSummary row : rows) {
      Double price = row.outputDollarsPerMillion();
      if (price != null && price > 0 && Double.isFinite(row.ttftP50Ms())) {
        plotted.add(row);
      } else {
        skipped++;
      }
    }
    StringBuilder svg = new StringBuilder(16_384);
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
        WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    text(svg, LEFT, 26, "start", "font-size=\"17\" font-weight=\"bold\"", title);
    String[] subtitleLines = subtitle.split("\n");
    for (int line = 0; line < Math.min(2, subtitleLines.length); line++) {
      text(svg, LEFT, 42 + 14 * line, "start", "font-size=\"11\" fill=\"#555555\"", clip(subtitleLines[line], 150));
    }

    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    int plotBottom = TOP + plotHeight;
    svg.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888888\"/>\n",
        LEFT, TOP, plotWidth, plotHeight));

    if (plotted.isEmpty()) {
      text(svg, LEFT + plotWidth / 2.0, TOP + plotHeight / 2.0, "middle", "fill=\"#555555\"",
          "no successful run with a known price to plot");
      svg.append("</svg>\n");
      return svg.toString();
    }

    double minPrice = plotted.stream().mapToDouble(EndpointSummary::outputDollarsPerMillion).min().orElse(1);
    double maxPrice = plotted.stream().mapToDouble(EndpointSummary::outputDollarsPerMillion).max().orElse(1);
    LogAxis x = LogAxis.covering(minPrice, maxPrice);
    double maxTtft = plotted.stream()
        .mapToDouble(r -> Double.isFinite(r.ttftP95Ms()) ? Math.max(r.ttftP95Ms(), r.ttftP50Ms()) : r.ttftP50Ms())
        .max().orElse(1);
    LinearAxis y = LinearAxis.fromZero(maxTtft * 1.05);

    // Grid and tick labels.
    for (double tick : x.ticks()) {
      double px = LEFT + x.fraction(tick) * plotWidth;
      line(svg, px, TOP, px, plotBottom, "#e5e5e5");
      text(svg, px, plotBottom + 18, "middle", "", "$" + tickLabel(tick));
    }
    for (double tick : y.ticks()) {
      double py = plotBottom - y.fraction(tick) * plotHeight;
      line(svg, LEFT, py, LEFT + plotWidth, py, "#e5e5e5");
      text(svg, LEFT - 8, py + 4, "end", "", String.format(Locale.ROOT, "%.0f", tick));
    }
    text(svg, LEFT + plotWidth / 2.0, HEIGHT - 30, "middle", "",
        "$ per million output tokens (log scale)");
    svg.append(String.format(Locale.ROOT,
        "<text x=\"20\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 20 %.1f)\">"
            + "TTFT p50, ms (whisker: p95)</text>\n",
        TOP + plotHeight / 2.0, TOP + plotHeight / 2.0));

    Map<String, String> colours = new LinkedHashMap<>();
    for (EndpointSummary row : plotted) {
      colours.computeIfAbsent(row.region(), r -> PALETTE[colours.size() % PALETTE.length]);
    }
    // The model's name once, beside its fastest region; every dot has a tooltip with the details.
    Map<String, double[]> labelAt = new LinkedHashMap<>();
    for (EndpointSummary row : plotted) {
      String colour = colours.get(row.region());
      double px = LEFT + x.fraction(row.outputDollarsPerMillion()) * plotWidth;
      double py = plotBottom - y.fraction(row.ttftP50Ms()) * plotHeight;
      if (Double.isFinite(row.ttftP95Ms()) && row.ttftP95Ms() > row.ttftP50Ms()) {
        double p95 = plotBottom - y.fraction(row.ttftP95Ms()) * plotHeight;
        line(svg, px, py, px, p95, colour);
      }
      svg.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" fill-opacity=\"0.85\">"
              + "<title>%s</title></circle>\n",
          px, py, colour, escape(tooltip(row))));
      double[] at = labelAt.get(row.model());
      if (at == null || py > at[1]) {
        labelAt.put(row.model(), new double[] {px, py});
      }
    }
    List<double[]> placed = new ArrayList<>();
    labelAt.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]))
        .forEach(entry -> {
          double lx = entry.getValue()[0] + 7;
          double ly = entry.getValue()[1] + 4;
          double width = entry.getKey().length() * 5.6;
          // Greedy: move up past any label already placed where this one would overlap it.
          for (int tries = 0; tries < 8 && overlaps(placed, lx, ly, width); tries++) {
            ly -= 11;
          }
          placed.add(new double[] {lx, ly, width});
          text(svg, lx, ly, "start", "font-size=\"10\" fill=\"#333333\"", entry.getKey());
        });

    // Legend.
    int legendX = LEFT + plotWidth + 20;
    int legendY = TOP + 10;
    text(svg, legendX, legendY, "start", "font-weight=\"bold\"", "region");
    int i = 0;
    for (Map.Entry<String, String> entry : colours.entrySet()) {
      double ly = legendY + 20 + i * 20;
      svg.append(String.format(Locale.ROOT,
          "<circle cx=\"%d\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", legendX + 6, ly - 4, entry.getValue()));
      text(svg, legendX + 18, ly, "start", "", entry.getKey());
      i++;
    }
    if (skipped > 0) {
      text(svg, LEFT, HEIGHT - 10, "start", "fill=\"#555555\"",
          skipped + " row(s) not plotted: no known price or no successful run");
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static boolean overlaps(List<double[]> placed, double x, double y, double width) {
    for (double[] other : placed) {
      boolean horizontal = x < other[0] + other[2] && other[0] < x + width;
      if (horizontal && Math.abs(other[1] - y) < 11) {
        return true;
      }
    }
    return false;
  }

  private static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  static String tickLabel(double price) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6f", price)).stripTrailingZeros().toPlainString();
  }

  private static String tooltip(EndpointSummary row) {
    return String.format(Locale.ROOT, "%s @ %s: TTFT p50 %s ms, p95 %s ms, %s tok/s, $%s per M output",
        row.model(), row.region(), ResultTable.ms(row.ttftP50Ms()), ResultTable.ms(row.ttftP95Ms()),
        ResultTable.oneDecimal(row.tokensPerSecondMedian()), ResultTable.price(row.outputDollarsPerMillion()));
  }

  private static void line(StringBuilder svg, double x1, double y1, double x2, double y2, String colour) {
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>\n",
        x1, y1, x2, y2, colour));
  }

  private static void text(StringBuilder svg, double x, double y, String anchor, String attributes, String text) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n",
        x, y, anchor, attributes.isEmpty() ? "" : " " + attributes, escape(text)));
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          // Characters XML 1.0 forbids (control characters) are dropped.
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** Whole decades around the data, ticks at 1, 2 and 5 of each decade. */
  record LogAxis(double lowDecade, double highDecade) {
    static LogAxis covering(double min, double max) {
      double low = Math.floor(Math.log10(min));
      double high = Math.ceil(Math.log10(max));
      if (high <= low) {
        high = low + 1;
      }
      return new LogAxis(low, high);
    }

    double fraction(double value) {
      return (Math.log10(value) - lowDecade) / (highDecade - lowDecade);
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      for (int decade = (int) lowDecade; decade < (int) highDecade; decade++) {
        for (int step : new int[] {1, 2, 5}) {
          ticks.add(step * Math.pow(10, decade));
        }
      }
      ticks.add(Math.pow(10, highDecade));
      return ticks;
    }
  }

  /** From zero to a round number at or above the maximum, ticks at 1, 2 or 5 times a power of ten. */
  record LinearAxis(double max, double step) {
    static LinearAxis fromZero(double dataMax) {
      double target = dataMax > 0 ? dataMax : 1;
      double raw = target / 5;
      double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
      double step = magnitude;
      for (double candidate : new double[] {1, 2, 2.5, 5, 10}) {
        step = candidate * magnitude;
        if (step >= raw) {
          break;
        }
      }
      return new LinearAxis(Math.ceil(target / step) * step, step);
    }

    double fraction(double value) {
      return value / max;
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; i * step <= max + step / 1e6; i++) {
        ticks.add(i * step);
      }
      return ticks;
    }
  }
}
