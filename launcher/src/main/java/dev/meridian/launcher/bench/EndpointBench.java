package dev.meridian.launcher.bench;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogException;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Provider;
import dev.meridian.core.catalog.Region;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.simulator.SimulatedProviders;
import dev.meridian.simulator.SimulatorOptions;
import dev.meridian.simulator.SimulatorVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code bin/meridian bench}: the measurement behind shared/catalog-facts.md as a command. Streams the
 * same prompt N times to each model and endpoint (a base URL, a catalog's endpoints, a Meridian router,
 * or the simulator started in-process), and reports TTFT percentiles, tokens/s and price per model and
 * region as a table, a JSON file and an SVG chart. See {@link BenchOptions#usage()} and
 * docs/performance.md.
 *
 * <p>The command's main thread only waits ({@code await}) for the Vert.x work to finish; requests are
 * sent and timed on an event loop ({@link BenchRunner}).
 */
public final class EndpointBench {
  private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

  /** Output budget of a warm-up request: enough to stream, little to pay for. */
  static final int WARMUP_MAX_TOKENS = 16;

  private EndpointBench() {}

  /** A problem with what was asked, or with reaching it, reported as one line and an exit code. */
  public static final class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public BenchException(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  /** Runs the benchmark; returns the process exit code. */
  public static int run(List<String> args, Map<String, String> env) {
    return run(args, env, System.out, System.err);
  }

  /**
   * @return 0 when at least one timed request succeeded, 1 when none did or the results could not be
   *     written or a target could not be reached, 2 for a usage error
   */
  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("meridian bench: " + e.getMessage());
      err.println();
      err.print(BenchOptions.usage());
      return 2;
    }
    if (options.help()) {
      out.print(BenchOptions.usage());
      return 0;
    }
    if (env.get("MERIDIAN_LOG_LEVEL") == null) {
      quietLogs();
    }
    BenchReport report;
    try {
      report = execute(options, env, options.quiet() ? null : err);
    } catch (BenchException e) {
      err.println("meridian bench: " + e.getMessage());
      return e.exitCode();
    }
    out.print(report.text());
    Path json = options.out() != null
        ? options.out()
        : Path.of("bench-results", "bench-" + LocalDateTime.now().format(FILE_STAMP) + ".json");
    Path svg = options.svg() != null ? options.svg() : siblingSvg(json);
    try {
      write(json, report.toJson().encodePrettily() + "\n");
      write(svg, report.svg());
    } catch (IOException e) {
      err.println("meridian bench: could not write results: " + e);
      return 1;
    }
    out.println();
    out.println("wrote " + json);
    out.println("wrote " + svg);
    return report.successes() > 0 ? 0 : 1;
  }

  static Path siblingSvg(Path json) {
    String name = json.getFileName().toString();
    String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    return json.resolveSibling(base + ".svg");
  }

  private static void write(Path file, String content) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** The simulator logs where it listens at INFO; in the command that would interleave with the table. */
  private static void quietLogs() {
    if (org.slf4j.LoggerFactory.getLogger("dev.meridian.simulator")
        instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /**
   * Runs the benchmark {@code options} describe and returns its report; writes nothing. Blocks the
   * calling thread, which must not be an event loop.
   *
   * @param progress where to print progress lines, or null
   * @throws BenchException for a usage problem (exit code 2) or an unreachable router (1)
   */
  public static BenchReport execute(BenchOptions options, Map<String, String> env, PrintStream progress) {
    if (options.help() || options.mode() == null) {
      throw new BenchException(2, "nothing to run");
    }
    Vertx vertx = Vertx.vertx();
    try {
      return execute(vertx, options, env, progress);
    } finally {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Exiting anyway.
      }
    }
  }

  private static BenchReport execute(
      Vertx vertx, BenchOptions options, Map<String, String> env, PrintStream progress) {
    Instant startedAt = Instant.now();
    BenchRunner runner =
        new BenchRunner(vertx, options.concurrency(), options.timeoutMs(), options.prompt(), options.streamUsage());
    List<BenchTarget> targets;
    String source;
    Function<String, Double> priceOfServedModel = model -> null;
    switch (options.mode()) {
      case BASE_URL -> {
        targets = baseUrlTargets(options, env);
        source = targets.size() + " model(s) at " + options.baseUrl();
      }
      case CATALOG -> {
        Catalog catalog = loadCatalog(options.catalogFile());
        targets = catalogTargets(catalog, options, env, progress);
        source = targets.size() + " endpoint(s) of " + catalogName(options, catalog) + " at its base URLs"
            + regionHeaderNote(options);
      }
      case SIMULATE -> {
        Catalog catalog = loadCatalog(options.catalogFile());
        SimulatorVerticle simulator =
            new SimulatorVerticle(catalog, new SimulatorOptions().setHost("127.0.0.1").setPort(0)
                .setLatencyScale(options.latencyScale()));
        try {
          vertx.deployVerticle(simulator).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new BenchException(1, "could not start the simulator: " + e.getMessage());
        }
        int port = simulator.actualPort();
        Catalog simulated = SimulatedProviders.pointAt(catalog, "127.0.0.1", port);
        targets = catalogTargets(simulated, options, env, null);
        source = String.format(Locale.ROOT, "%d endpoint(s) of %s, simulated in-process at 127.0.0.1:%d "
            + "(latency scale %s)%s", targets.size(), catalogName(options, catalog), port,
            BenchReport.plain(options.latencyScale()), regionHeaderNote(options));
      }
      case ROUTER -> {
        Map<String, Double> prices = new HashMap<>();
        targets = routerTargets(runner, options, env, prices);
        priceOfServedModel = prices::get;
        source = targets.size() + " model(s) through the Meridian router at " + options.routerUrl();
      }
      default -> throw new IllegalStateException("mode " + options.mode());
    }
    if (progress != null) {
      progress.printf(Locale.ROOT, "meridian bench: %s%n", source);
    }

    int warmupErrors = 0;
    if (options.warmup() > 0) {
      // Untimed and short: opens the keep-alive connections the timed runs then reuse, and runs the
      // streaming code path often enough that the JIT has compiled it before anything is timed.
      int warmupTokens = Math.min(options.maxTokens(), WARMUP_MAX_TOKENS);
      List<BenchRunner.Job> warmups = new ArrayList<>();
      for (int i = 0; i < options.warmup(); i++) {
        for (BenchTarget target : targets) {
          warmups.add(new BenchRunner.Job(target, 0, warmupTokens));
        }
      }
      if (progress != null) {
        progress.printf(Locale.ROOT, "  warm-up: %d request(s)%n", warmups.size());
      }
      List<RunResult> warm = runner.runAll(warmups, r -> {}).await();
      warmupErrors = (int) warm.stream().filter(r -> !r.ok()).count();
    }

    // Round-robin over endpoints, run by run, so no endpoint takes all its runs at once.
    List<BenchRunner.Job> jobs = new ArrayList<>();
    for (int run = 1; run <= options.runs(); run++) {
      for (BenchTarget target : targets) {
        jobs.add(new BenchRunner.Job(target, run, options.maxTokens()));
      }
    }
    long t0 = System.nanoTime();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    int step = Math.max(1, jobs.size() / 10);
    if (progress != null) {
      progress.printf(Locale.ROOT, "  timed: %d request(s), %d in flight at most%n", jobs.size(),
          options.concurrency());
    }
    List<RunResult> results =
        runner.runAll(jobs, result -> {
          int n = done.incrementAndGet();
          if (!result.ok() && failed.incrementAndGet() <= 10 && progress != null) {
            progress.printf(Locale.ROOT, "  error: %s@%s run %d: %s%s%n", result.target().model(),
                result.region(), result.run(), result.error(),
                result.errorDetail() == null ? "" : " (" + result.errorDetail() + ")");
          }
          if (progress != null && (n % step == 0 || n == jobs.size())) {
            progress.printf(Locale.ROOT, "  %d/%d done, %d error(s), %.1f s%n", n, jobs.size(), failed.get(),
                (System.nanoTime() - t0) / 1e9);
          }
        }).await();
    try {
      runner.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing anyway with Vert.x.
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<EndpointSummary> rows = EndpointSummary.summarize(targets, results, priceOfServedModel);
    return new BenchReport(options, source, startedAt, seconds, targets, results, rows, warmupErrors);
  }

  private static String regionHeaderNote(BenchOptions options) {
    return options.regionHeader() == null ? "" : ", called from " + options.regionHeader()
        + " (" + MeridianHeaders.ROUTER_REGION + ")";
  }

  private static String catalogName(BenchOptions options, Catalog catalog) {
    return (options.catalogFile() == null ? "the default catalog" : options.catalogFile()) + " ("
        + catalog.version() + ")";
  }

  static Catalog loadCatalog(String file) {
    try {
      return file == null ? CatalogLoader.loadDefault() : CatalogLoader.load(Path.of(file));
    } catch (CatalogException | java.io.UncheckedIOException e) {
      throw new BenchException(2, "catalog " + (file == null ? "(default)" : file) + ": " + e.getMessage());
    }
  }

  /** Every endpoint of {@code catalog} that the model and region filters keep, in catalog order. */
  static List<BenchTarget> catalogTargets(
      Catalog catalog, BenchOptions options, Map<String, String> env, PrintStream progress) {
    Set<String> models = new LinkedHashSet<>();
    for (String wanted : options.models()) {
      ModelSpec model = findModel(catalog, wanted);
      if (model == null) {
        throw new BenchException(2, "the catalog has no model '" + wanted + "' (it has: "
            + catalog.models().stream().map(ModelSpec::id).collect(Collectors.joining(", ")) + ")");
      }
      models.add(model.id());
    }
    for (String region : options.endpointRegions()) {
      if (!catalog.hasRegion(region)) {
        throw new BenchException(2, "the catalog has no region '" + region + "' (it has: "
            + catalog.regions().stream().map(Region::id).collect(Collectors.joining(", ")) + ")");
      }
    }
    ApiKeys keys = new ApiKeys(env::get);
    Map<String, String> keyless = new LinkedHashMap<>();
    List<BenchTarget> targets = new ArrayList<>();
    for (Endpoint endpoint : catalog.endpoints()) {
      ModelSpec model = endpoint.model();
      if (model.kind() != dev.meridian.core.catalog.ModelKind.CHAT) {
        continue; // this bench measures streamed generation; an embedding has none
      }
      if (!models.isEmpty() && !models.contains(model.id())) {
        continue;
      }
      if (!options.endpointRegions().isEmpty() && !options.endpointRegions().contains(endpoint.region())) {
        continue;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      String key = keys.keyFor(endpoint.provider());
      if (key != null) {
        headers.put("authorization", "Bearer " + key);
      } else if (endpoint.provider().apiKeyEnv() != null) {
        keyless.put(endpoint.provider().id(), endpoint.provider().apiKeyEnv());
      }
      if (options.regionHeader() != null) {
        headers.put(MeridianHeaders.ROUTER_REGION, options.regionHeader());
      }
      targets.add(new BenchTarget(model.id(), model.upstreamId(), endpoint.region(), endpoint.provider().id(),
          endpoint.upstreamUrl(), headers, model.outputDollarsPerMillion(), model.nominalTtftMs(),
          model.nominalTokensPerSecond()));
    }
    if (targets.isEmpty()) {
      throw new BenchException(2, "no catalog endpoint matches the --model and --endpoint-region filters");
    }
    if (progress != null && !keyless.isEmpty()) {
      progress.println("meridian bench: no key in the environment for "
          + keyless.entrySet().stream().map(e -> e.getKey() + " ($" + e.getValue() + ")")
              .collect(Collectors.joining(", "))
          + "; their requests go without Authorization");
    }
    return targets;
  }

  private static ModelSpec findModel(Catalog catalog, String name) {
    ModelSpec model = catalog.model(name);
    if (model != null) {
      return model;
    }
    for (ModelSpec candidate : catalog.models()) {
      if (candidate.upstreamId().equals(name)) {
        return candidate;
      }
    }
    return null;
  }

  /** The models named on the command line at one base URL; prices from the built-in catalog if it knows them. */
  static List<BenchTarget> baseUrlTargets(BenchOptions options, Map<String, String> env) {
    Map<String, String> headers = authorization(options, env);
    if (options.regionHeader() != null) {
      headers.put(MeridianHeaders.ROUTER_REGION, options.regionHeader());
    }
    String url = options.baseUrl().endsWith("/chat/completions")
        ? options.baseUrl() : options.baseUrl() + "/chat/completions";
    URI uri = URI.create(url);
    String label = options.label() != null ? options.label()
        : uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    Catalog known = CatalogLoader.loadDefault();
    List<BenchTarget> targets = new ArrayList<>();
    for (String model : options.models()) {
      ModelSpec spec = findModel(known, model);
      targets.add(new BenchTarget(model, model, label, spec == null ? null : spec.provider(), url, headers,
          spec == null ? null : spec.outputDollarsPerMillion(), spec == null ? null : spec.nominalTtftMs(),
          spec == null ? null : spec.nominalTokensPerSecond()));
    }
    return targets;
  }

  private static Map<String, String> authorization(BenchOptions options, Map<String, String> env) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (options.apiKeyEnv() != null) {
      String key = env.get(options.apiKeyEnv());
      if (key == null || key.isBlank()) {
        throw new BenchException(2, "--api-key-env " + options.apiKeyEnv() + ": that environment variable is not set");
      }
      headers.put("authorization", "Bearer " + key.trim());
    }
    return headers;
  }

  /**
   * The router's models from its {@code GET /v1/models}: the catalog models it lists (entries with a
   * {@code meridian.tier}), or those named with --model (tiers and auto allowed). Fills {@code prices}
   * with every listed model's output price, for answers served by another model than the one asked.
   */
  static List<BenchTarget> routerTargets(
      BenchRunner runner, BenchOptions options, Map<String, String> env, Map<String, Double> prices) {
    String base = options.routerUrl().endsWith("/v1")
        ? options.routerUrl().substring(0, options.routerUrl().length() - 3) : options.routerUrl();
    Map<String, String> headers = authorization(options, env);
    JsonObject list;
    try {
      list = runner.getJson(base + "/v1/models", headers).await();
    } catch (Exception e) {
      throw new BenchException(1, "could not list the router's models: " + e.getMessage());
    }
    Map<String, JsonObject> entries = new LinkedHashMap<>();
    JsonArray data = list.getJsonArray("data", new JsonArray());
    for (Object item : data) {
      if (item instanceof JsonObject entry && entry.getString("id") != null) {
        entries.put(entry.getString("id"), entry);
        JsonObject meridian = entry.getJsonObject("meridian");
        if (meridian != null && meridian.getValue("output_dollars_per_million") instanceof Number price) {
          prices.put(entry.getString("id"), price.doubleValue());
        }
      }
    }
    // Published figures only when the router runs the built-in catalog.
    Catalog builtIn = CatalogLoader.loadDefault();
    boolean defaultCatalog = builtIn.version().equals(list.getString("catalog_version"));
    List<String> models = new ArrayList<>();
    if (options.models().isEmpty()) {
      boolean meridianList = entries.values().stream().anyMatch(e -> e.getJsonObject("meridian") != null);
      for (JsonObject entry : entries.values()) {
        JsonObject meridian = entry.getJsonObject("meridian");
        if (!meridianList || (meridian != null && meridian.getString("tier") != null)) {
          models.add(entry.getString("id"));
        }
      }
    } else {
      for (String model : options.models()) {
        if (!entries.containsKey(model)) {
          throw new BenchException(2, "the router does not list model '" + model + "' (it lists: "
              + String.join(", ", entries.keySet()) + ")");
        }
        models.add(model);
      }
    }
    if (models.isEmpty()) {
      throw new BenchException(1, "the router lists no models");
    }
    List<BenchTarget> targets = new ArrayList<>();
    for (String model : models) {
      ModelSpec spec = defaultCatalog ? builtIn.model(model) : null;
      Provider provider = spec == null ? null : builtIn.provider(spec.provider());
      targets.add(new BenchTarget(model, model, null,
          provider != null ? provider.id() : entries.get(model).getString("owned_by"),
          base + "/v1/chat/completions", headers, prices.get(model),
          spec == null ? null : spec.nominalTtftMs(), spec == null ? null : spec.nominalTokensPerSecond()));
    }
    return targets;
  }
}
