package dev.meridian.launcher.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@code bin/meridian bench}. {@link #parse} validates everything it can without
 * the network, so a mistake is reported before anything is sent.
 *
 * @param regionHeader sent as {@code x-meridian-router-region}, or null
 * @param endpointRegions catalog endpoints kept (empty: all)
 * @param out JSON file, or null for {@code bench-results/bench-<timestamp>.json}
 * @param svg chart file, or null for the JSON's name with {@code .svg}
 */
public record BenchOptions(
    Mode mode,
    String baseUrl,
    List<String> models,
    String apiKeyEnv,
    String catalogFile,
    String routerUrl,
    double latencyScale,
    String regionHeader,
    List<String> endpointRegions,
    String label,
    int runs,
    int concurrency,
    int maxTokens,
    String prompt,
    long timeoutMs,
    int warmup,
    boolean streamUsage,
    Path out,
    Path svg,
    boolean quiet,
    boolean help) {

  public enum Mode {
    /** Any OpenAI-compatible base URL, models named on the command line. */
    BASE_URL,
    /** Every model x region endpoint of a catalog, at the catalog's base URLs. */
    CATALOG,
    /** Through a Meridian router: its models, whichever region it picks. */
    ROUTER,
    /** The catalog against the simulator, started in this process. */
    SIMULATE
  }

  public static final String DEFAULT_PROMPT = "Explain recursion in 200 words";
  public static final int DEFAULT_RUNS = 10;
  public static final int DEFAULT_CONCURRENCY = 4;
  public static final int DEFAULT_MAX_TOKENS = 150;
  public static final long DEFAULT_TIMEOUT_MS = 120_000;
  public static final int DEFAULT_WARMUP = 1;

  public static String usage() {
    return """
        Usage: bin/meridian bench MODE [options]

        Measures streaming chat completions the way ../shared/catalog-facts.md was measured: N runs per
        model and endpoint, a fixed prompt, time to first token (TTFT) and tokens/s after it, and prints
        TTFT p50/p95/p99, tokens/s and $ per million output tokens per model and region. Writes the
        results as JSON and a chart of TTFT against price as SVG.

        Modes (one):
          --base-url URL --model M [--model M2 ...]  any OpenAI-compatible API (URL ending in /v1)
                [--api-key-env VAR]                  send "Authorization: Bearer $VAR"
                [--label NAME]                       region column for its rows (default: host:port)
          --catalog [FILE]                           every model x region endpoint of a catalog, at its
                                                     base URLs (default: the built-in catalog); keys from
                                                     each provider's apiKeyEnv
          --router URL                               through a Meridian router (http://127.0.0.1:8080):
                                                     its models from GET /v1/models, rows by the region
                                                     each answer names (x-meridian-region); the client
                                                     key from --api-key-env VAR (e.g. the demo key)
          --simulate [--catalog FILE]                start the simulator in this process on a free
                                                     loopback port and measure the catalog against it

        Options:
          --model M                 only these models (repeat or comma-separate); with --router also
                                    tiers or auto
          --endpoint-region R       catalog modes: only endpoints in these regions (repeat or comma-separate)
          --region-header R         send x-meridian-router-region: R (the simulator then adds the round
                                    trip from region R to each endpoint's region)
          --latency-scale S         simulator delay multiplier (--simulate starts it so; default 1). When
                                    not 1, times are reported at nominal speed: ms / S and tokens/s x S
          --runs N                  timed requests per model and endpoint [10]
          --concurrency N           requests in flight at once, over all endpoints [4]
          --max-tokens N            max_tokens of each request [150]
          --prompt TEXT             the user message ["Explain recursion in 200 words"]
          --timeout-ms N            deadline of one request, connect to last byte [120000]
          --warmup N                untimed requests per endpoint first (max_tokens 16 at most), so
                                    timed runs reuse a warm keep-alive connection and warm code [1]
          --no-stream-usage         do not send stream_options.include_usage (tokens are then counted
                                    from the deltas)
          --out FILE                JSON results [bench-results/bench-<timestamp>.json]
          --svg FILE                SVG chart [the JSON's path with .svg]
          --quiet                   no progress lines on stderr
          -h, --help                this text

        Examples:
          bin/meridian bench --simulate --latency-scale 0.5 --runs 5
          bin/meridian bench --simulate --endpoint-region us-east --region-header us-east
          bin/meridian bench --router http://127.0.0.1:8080 --runs 5
          bin/meridian bench --base-url https://api.deepseek.com/v1 --model deepseek-chat \\
              --api-key-env DEEPSEEK_API_KEY
        """;
  }

  /** @throws IllegalArgumentException with a message naming the bad flag or combination */
  public static BenchOptions parse(List<String> args) {
    String baseUrl = null;
    String routerUrl = null;
    boolean catalogMode = false;
    String catalogFile = null;
    boolean simulate = false;
    LinkedHashSet<String> models = new LinkedHashSet<>();
    LinkedHashSet<String> endpointRegions = new LinkedHashSet<>();
    String apiKeyEnv = null;
    Double latencyScale = null;
    String regionHeader = null;
    String label = null;
    int runs = DEFAULT_RUNS;
    int concurrency = DEFAULT_CONCURRENCY;
    int maxTokens = DEFAULT_MAX_TOKENS;
    String prompt = DEFAULT_PROMPT;
    long timeoutMs = DEFAULT_TIMEOUT_MS;
    int warmup = DEFAULT_WARMUP;
    boolean streamUsage = true;
    Path out = null;
    Path svg = null;
    boolean quiet = false;
    boolean help = false;

    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String inline = null;
      if (arg.startsWith("--") && arg.indexOf('=') > 2) {
        name = arg.substring(0, arg.indexOf('='));
        inline = arg.substring(arg.indexOf('=') + 1);
      }
      switch (name) {
        case "-h", "--help" -> help = true;
        case "--simulate" -> simulate = noValue(name, inline);
        case "--no-stream-usage" -> streamUsage = !noValue(name, inline);
        case "--quiet" -> quiet = noValue(name, inline);
        case "--catalog" -> {
          catalogMode = true;
          if (inline != null) {
            catalogFile = inline;
          } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
            catalogFile = args.get(++i);
          }
        }
        default -> {
          if (!name.startsWith("-")) {
            throw new IllegalArgumentException("unexpected argument '" + arg + "'");
          }
          String value;
          if (inline != null) {
            value = inline;
          } else if (i + 1 < args.size()) {
            value = args.get(++i);
          } else {
            throw new IllegalArgumentException(name + " needs a value");
          }
          switch (name) {
            case "--base-url" -> baseUrl = url(name, value);
            case "--router" -> routerUrl = url(name, value);
            case "--model" -> models.addAll(list(name, value));
            case "--endpoint-region" -> endpointRegions.addAll(list(name, value));
            case "--api-key-env" -> apiKeyEnv = nonBlank(name, value);
            case "--label" -> label = nonBlank(name, value);
            case "--region-header" -> regionHeader = nonBlank(name, value);
            case "--latency-scale" -> latencyScale = number(name, value);
            case "--runs" -> runs = (int) whole(name, value, 1, 100_000);
            case "--concurrency" -> concurrency = (int) whole(name, value, 1, 1024);
            case "--max-tokens" -> maxTokens = (int) whole(name, value, 1, 1_000_000);
            case "--prompt" -> prompt = nonBlank(name, value);
            case "--timeout-ms" -> timeoutMs = whole(name, value, 1, Long.MAX_VALUE);
            case "--warmup" -> warmup = (int) whole(name, value, 0, 1000);
            case "--out" -> out = Path.of(nonBlank(name, value));
            case "--svg" -> svg = Path.of(nonBlank(name, value));
            default -> throw new IllegalArgumentException("unknown option " + name + " (see: bin/meridian bench --help)");
          }
        }
      }
    }
    if (help) {
      return new BenchOptions(null, baseUrl, List.copyOf(models), apiKeyEnv, catalogFile, routerUrl,
          latencyScale == null ? 1.0 : latencyScale, regionHeader, List.copyOf(endpointRegions), label, runs,
          concurrency, maxTokens, prompt, timeoutMs, warmup, streamUsage, out, svg, quiet, true);
    }

    Mode mode;
    if (simulate) {
      if (baseUrl != null || routerUrl != null) {
        throw new IllegalArgumentException("--simulate measures a catalog: it does not take --base-url or --router");
      }
      mode = Mode.SIMULATE;
    } else {
      int chosen = (baseUrl != null ? 1 : 0) + (routerUrl != null ? 1 : 0) + (catalogMode ? 1 : 0);
      if (chosen != 1) {
        throw new IllegalArgumentException(chosen == 0
            ? "choose what to measure: --base-url URL, --catalog [FILE], --router URL or --simulate"
            : "choose one of --base-url, --catalog and --router");
      }
      mode = baseUrl != null ? Mode.BASE_URL : routerUrl != null ? Mode.ROUTER : Mode.CATALOG;
    }
    if (mode == Mode.BASE_URL && models.isEmpty()) {
      throw new IllegalArgumentException("--base-url needs at least one --model");
    }
    if (!endpointRegions.isEmpty() && (mode == Mode.BASE_URL || mode == Mode.ROUTER)) {
      throw new IllegalArgumentException("--endpoint-region selects catalog endpoints: use it with --catalog or --simulate");
    }
    if (regionHeader != null && mode == Mode.ROUTER) {
      throw new IllegalArgumentException("--region-header is not for --router: the router sends its own region upstream");
    }
    if (apiKeyEnv != null && (mode == Mode.CATALOG || mode == Mode.SIMULATE)) {
      throw new IllegalArgumentException("--api-key-env is for --base-url and --router; a catalog names each provider's key");
    }
    if (label != null && mode != Mode.BASE_URL) {
      throw new IllegalArgumentException("--label names a --base-url's rows");
    }
    double scale = latencyScale == null ? 1.0 : latencyScale;
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("--latency-scale must be a finite number >= 0");
    }
    return new BenchOptions(mode, baseUrl, List.copyOf(models), apiKeyEnv, catalogFile, routerUrl, scale,
        regionHeader, List.copyOf(endpointRegions), label, runs, concurrency, maxTokens, prompt, timeoutMs,
        warmup, streamUsage, out, svg, quiet, false);
  }

  private static boolean noValue(String name, String inline) {
    if (inline != null) {
      throw new IllegalArgumentException(name + " takes no value");
    }
    return true;
  }

  private static String nonBlank(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  private static List<String> list(String name, String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return items;
  }

  private static String url(String name, String value) {
    URI uri;
    try {
      uri = URI.create(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": not a URL: '" + value + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(name + " needs an http:// or https:// URL with a host, got '" + value + "'");
    }
    String text = value.trim();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }

  private static double number(String name, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
  }

  private static long whole(String name, String value, long min, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }
}
