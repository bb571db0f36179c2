package dev.meridian.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the launcher needs, from defaults, then environment variables ({@code MERIDIAN_*}), then
 * command-line flags, later ones winning. Documented in docs/configuration.md; {@code bin/meridian help}
 * prints the same list.
 */
public final class MeridianConfig {
  public enum Command {
    EMBEDDED,
    ROUTER,
    SIMULATOR,
    BENCH,
    KEYS,
    HELP
  }

  /** Flag name, environment variable, default, description: the single source for parsing and help. */
  record Setting(String flag, String env, String defaultValue, String description) {}

  static final List<Setting> SETTINGS =
      List.of(
          new Setting("region", "MERIDIAN_REGION", "us-east", "region this router serves and probes from"),
          new Setting("host", "MERIDIAN_HOST", "127.0.0.1", "address the router binds (0.0.0.0 in pods)"),
          new Setting("port", "MERIDIAN_PORT", "8080", "router HTTP port"),
          new Setting("auth", "MERIDIAN_AUTH", "keys", "keys: clients need a key from --keys-file; open: no client authentication (only behind something that authenticates)"),
          new Setting("keys-file", "MERIDIAN_KEYS_FILE", "", "client keys JSON, hashes only (docs/security.md); 'demo' = the public demo keys, the embedded default"),
          new Setting("keys-reload-ms", "MERIDIAN_KEYS_RELOAD_MS", "2000", "how often the keys file is checked for changes (0 = never)"),
          new Setting("usage-sync-ms", "MERIDIAN_USAGE_SYNC_MS", "1000", "how often nodes share client-key usage (rate limits and budgets) through the cluster"),
          new Setting("admin-port", "MERIDIAN_ADMIN_PORT", "-1", "serve /metrics and /status on this port instead of the client port (-1 = the client port)"),
          new Setting("admin-host", "MERIDIAN_ADMIN_HOST", "", "address of the admin port (default: --host)"),
          new Setting("catalog", "MERIDIAN_CATALOG", "", "catalog JSON file (default: the built-in 15-model catalog)"),
          new Setting("allow-cleartext-upstreams", "MERIDIAN_ALLOW_CLEARTEXT_UPSTREAMS", "false", "let a provider with a key have an http:// base URL to a host that is not loopback (the key crosses the network in cleartext; logged as a warning)"),
          new Setting("catalog-reload-ms", "MERIDIAN_CATALOG_RELOAD_MS", "2000", "how often the catalog file is checked for changes (0 = never)"),
          new Setting("probe-interval-ms", "MERIDIAN_PROBE_INTERVAL_MS", "30000", "health probe interval per endpoint"),
          new Setting("probe-timeout-ms", "MERIDIAN_PROBE_TIMEOUT_MS", "15000", "deadline of one probe"),
          new Setting("probe-concurrency", "MERIDIAN_PROBE_CONCURRENCY", "4", "probes in flight at once per node"),
          new Setting("failure-threshold", "MERIDIAN_FAILURE_THRESHOLD", "3", "consecutive failed probes that mark an endpoint unhealthy"),
          new Setting("max-attempts", "MERIDIAN_MAX_ATTEMPTS", "3", "endpoints tried per request"),
          new Setting("first-token-timeout-ms", "MERIDIAN_FIRST_TOKEN_TIMEOUT_MS", "20000", "wait for an upstream's first byte before trying the next"),
          new Setting("idle-timeout-ms", "MERIDIAN_IDLE_TIMEOUT_MS", "30000", "longest silence inside a stream"),
          new Setting("request-timeout-ms", "MERIDIAN_REQUEST_TIMEOUT_MS", "300000", "whole-request deadline"),
          new Setting("max-body-bytes", "MERIDIAN_MAX_BODY_BYTES", "2097152", "largest accepted request body"),
          new Setting("upstream-pool-size", "MERIDIAN_UPSTREAM_POOL_SIZE", "1024", "keep-alive connections per provider host and router instance; HTTP/1.1 carries one stream per connection, so this caps concurrent streams to one host"),
          new Setting("warmup-requests", "MERIDIAN_WARMUP_REQUESTS", "0", "before reporting ready, send this many requests through a throwaway router to a throwaway simulator on loopback, so the JIT has compiled the request path before clients arrive (20000 takes a few seconds; 0 = off)"),
          new Setting("vertx-http-metrics", "MERIDIAN_VERTX_HTTP_METRICS", "false", "also record vertx-micrometer's per-request HTTP server and client series (vertx_http_*); the meridian_* series cover requests and upstream calls, at ~5% less router CPU without these"),
          new Setting("breaker-cool-down-ms", "MERIDIAN_BREAKER_COOL_DOWN_MS", "5000", "how long an open breaker keeps an endpoint out before a trial request"),
          new Setting("breaker-max-failures", "MERIDIAN_BREAKER_MAX_FAILURES", "5", "failures within 10 s of live traffic that open an endpoint's breaker"),
          new Setting("breaker-failure-rate", "MERIDIAN_BREAKER_FAILURE_RATE", "0.5", "failure share of the last 20 calls (10 at least) that opens a breaker"),
          new Setting("max-block-ms", "MERIDIAN_MAX_BLOCK_MS", "300000", "longest a provider's Retry-After or another router's block event keeps an endpoint out of routing (at least --breaker-cool-down-ms)"),
          new Setting("retry-budget-ratio", "MERIDIAN_RETRY_BUDGET_RATIO", "0.2", "retries and fallbacks allowed as a share of requests (10 s window, 20 always allowed)"),
          new Setting("hedge", "MERIDIAN_HEDGE", "false", "hedge every request by default (header x-meridian-hedge overrides)"),
          new Setting("access-log-sample", "MERIDIAN_ACCESS_LOG_SAMPLE", "0", "structured JSON access log on stdout (logger meridian.access): the share of successful requests logged, 0 to 1; requests that fail are always logged once it is above 0"),
          new Setting("tracing", "MERIDIAN_TRACING", "off", "OpenTelemetry traces: off, or on (exported over OTLP as the standard OTEL_* variables say: OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_SAMPLER, ...; docs/tracing.md)"),
          new Setting("trace-probe-sample", "MERIDIAN_TRACE_PROBE_SAMPLE", "0.1", "with tracing on, the share of health probes traced (their own root spans, sampled apart from requests)"),
          new Setting("affinity", "MERIDIAN_AFFINITY", "true", "prompt-cache affinity: keep a request's prompt prefix (tools and system prompt) on one endpoint among those of equal standing, so the provider's prompt cache serves it (docs/routing.md)"),
          new Setting("affinity-min-prefix-chars", "MERIDIAN_AFFINITY_MIN_PREFIX_CHARS", "4096", "shortest prompt prefix, in characters, that affinity keeps together (providers cache from about 1,024 tokens)"),
          new Setting("affinity-tolerance", "MERIDIAN_AFFINITY_TOLERANCE", "0.2", "an endpoint is an alternative of the fastest within this share of its TTFT ..."),
          new Setting("affinity-tolerance-ms", "MERIDIAN_AFFINITY_TOLERANCE_MS", "50", "... or within this many milliseconds of it, whichever is larger"),
          new Setting("drain-timeout-ms", "MERIDIAN_DRAIN_TIMEOUT_MS", "25000", "on SIGTERM, how long streams in flight may finish before the process exits"),
          new Setting("transport", "MERIDIAN_TRANSPORT", "auto", "network transport: auto (Linux epoll when it loads, else Java NIO), epoll (refuse to start without it) or nio"),
          new Setting("router-instances", "MERIDIAN_ROUTER_INSTANCES", "0", "router verticle instances (0 = one per core)"),
          new Setting("clustered", "MERIDIAN_CLUSTERED", "true", "join the Hazelcast cluster (false: standalone node)"),
          new Setting("cluster-config", "MERIDIAN_CLUSTER_CONFIG", "", "Hazelcast XML (default: ./cluster.xml, else the copy in the jar)"),
          new Setting("simulator-port", "MERIDIAN_SIMULATOR_PORT", "8090", "embedded simulator port"),
          new Setting("simulator-url", "MERIDIAN_SIMULATOR_URL", "", "point every catalog endpoint at this simulator (router command)"),
          new Setting("latency-scale", "MERIDIAN_LATENCY_SCALE", "1.0", "simulator delay multiplier (0.1 = ten times faster)"),
          new Setting("simulator-jitter", "MERIDIAN_SIMULATOR_JITTER", "0.03", "simulator: random spread of each answer's latency, as a share of it (0.25 = +/-25 %)"),
          new Setting("simulator-dialects", "MERIDIAN_SIMULATOR_DIALECTS", "realistic", "how each simulated provider writes its answers: realistic (deepseek, openai, pretty, final-chunk-usage and crlf-events providers, docs/configuration.md), compact, and provider=dialect pairs"));

  private final Command command;
  private final Map<String, String> values;

  private final List<String> commandArgs;

  private MeridianConfig(Command command, Map<String, String> values) {
    this(command, values, List.of());
  }

  private MeridianConfig(Command command, Map<String, String> values, List<String> commandArgs) {
    this.command = command;
    this.values = values;
    this.commandArgs = List.copyOf(commandArgs);
  }

  /** Arguments after a command that parses its own ({@code bench}). */
  public List<String> commandArgs() {
    return commandArgs;
  }

  /**
   * @throws IllegalArgumentException naming the unknown flag, command or malformed value
   */
  public static MeridianConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> values = new java.util.HashMap<>();
    for (Setting setting : SETTINGS) {
      String fromEnv = env.get(setting.env());
      values.put(setting.flag(), fromEnv != null && !fromEnv.isBlank() ? fromEnv : setting.defaultValue());
    }
    Command command = Command.EMBEDDED;
    List<String> rest = new ArrayList<>(List.of(args));
    if (!rest.isEmpty() && rest.get(0).equalsIgnoreCase("bench")) {
      // The endpoint benchmark parses its own flags (bin/meridian bench --help).
      return new MeridianConfig(Command.BENCH, values, rest.subList(1, rest.size()));
    }
    if (!rest.isEmpty() && rest.get(0).equalsIgnoreCase("keys")) {
      return new MeridianConfig(Command.KEYS, values, rest.subList(1, rest.size()));
    }
    if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
      command = switch (rest.remove(0).toLowerCase(Locale.ROOT)) {
        case "embedded", "start" -> Command.EMBEDDED;
        case "router" -> Command.ROUTER;
        case "simulator" -> Command.SIMULATOR;
        case "help" -> Command.HELP;
        default -> throw new IllegalArgumentException(
            "unknown command '" + args[0] + "' (expected embedded, router, simulator, bench, keys or help)");
      };
    }
    for (int i = 0; i < rest.size(); i++) {
      String arg = rest.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        command = Command.HELP;
        continue;
      }
      if (arg.equals("--standalone")) {
        values.put("clustered", "false");
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < rest.size()) {
        value = rest.get(++i);
      } else {
        throw new IllegalArgumentException("flag --" + name + " needs a value");
      }
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("unknown flag --" + name + " (see: bin/meridian help)");
      }
      values.put(name, value);
    }
    MeridianConfig config = new MeridianConfig(command, values);
    config.validate();
    return config;
  }

  private void validate() {
    port();
    simulatorPort();
    probeIntervalMs();
    latencyScale();
    breakerFailureRate();
    retryBudgetRatio();
    adminPort();
    keysReloadMs();
    usageSyncMs();
    authOpen();
    allowCleartextUpstreams();
    transport();
    if (maxBlockMs() < breakerCoolDownMs()) {
      // The other routers cap a breaker's block event at this too: it would end before the breaker's.
      throw new IllegalArgumentException("--max-block-ms (" + maxBlockMs() + ") must be at least --breaker-cool-down-ms ("
          + breakerCoolDownMs() + ")");
    }
    if (region().isBlank()) {
      throw new IllegalArgumentException("--region must not be empty");
    }
  }

  public static String help() {
    StringBuilder text =
        new StringBuilder(
            "Usage: bin/meridian [embedded|router|simulator|bench|keys|help] [--flag value ...]\n\n"
                + "  embedded   (default) simulated providers in three regions + a router and health prober\n"
                + "  router     a router and health prober only, e.g. a second region joining the cluster\n"
                + "  simulator  the simulated providers only, to measure other gateways against\n"
                + "  bench      measure TTFT, tokens/s and price of OpenAI-compatible endpoints (bench --help)\n"
                + "  keys       new [--name N]: a new client key and its keys-file entry; hash: the SHA-256 of a key read from stdin\n\n"
                + "Flags (environment variable in brackets):\n");
    for (Setting setting : SETTINGS) {
      text.append(String.format(Locale.ROOT, "  --%-26s %s [%s, default %s]%n",
          setting.flag(), setting.description(), setting.env(),
          setting.defaultValue().isEmpty() ? "unset" : setting.defaultValue()));
    }
    text.append("  --standalone                 same as --clustered false\n");
    return text.toString();
  }

  public Command command() { return command; }
  public String region() { return values.get("region"); }
  public String host() { return values.get("host"); }
  public int port() { return intValue("port", 0, 65535); }
  public String catalogPath() { return values.get("catalog"); }
  public String keysFile() { return values.get("keys-file").trim(); }
  public long keysReloadMs() { return longValue("keys-reload-ms", 0); }
  public long usageSyncMs() { return longValue("usage-sync-ms", 100); }
  public int adminPort() { return (int) Math.min(65535, longValue("admin-port", -1)); }
  public String adminHost() { return values.get("admin-host").isBlank() ? host() : values.get("admin-host").trim(); }
  /** True for --auth open; false for keys. */
  public boolean authOpen() {
    return switch (values.get("auth").trim().toLowerCase(Locale.ROOT)) {
      case "open" -> true;
      case "keys" -> false;
      default -> throw new IllegalArgumentException("--auth must be 'keys' or 'open', got '" + values.get("auth") + "'");
    };
  }
  /** Strict, unlike --hedge: a typo such as 'ture' gets a clear message rather than quietly meaning false. */
  public boolean allowCleartextUpstreams() {
    return switch (values.get("allow-cleartext-upstreams").trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(
          "--allow-cleartext-upstreams must be true or false, got '" + values.get("allow-cleartext-upstreams") + "'");
    };
  }
  /** Which socket transport Vert.x runs on; {@link Transport#AUTO} falls back to NIO where epoll is missing. */
  public Transport transport() {
    return switch (values.get("transport").trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> Transport.AUTO;
      case "epoll" -> Transport.EPOLL;
      case "nio" -> Transport.NIO;
      default -> throw new IllegalArgumentException(
          "--transport must be auto, epoll or nio, got '" + values.get("transport") + "'");
    };
  }

  public enum Transport { AUTO, EPOLL, NIO }

  public long catalogReloadMs() { return longValue("catalog-reload-ms", 0); }
  public long probeIntervalMs() { return longValue("probe-interval-ms", 100); }
  public long probeTimeoutMs() { return longValue("probe-timeout-ms", 100); }
  public int probeConcurrency() { return intValue("probe-concurrency", 1, 1024); }
  public int failureThreshold() { return intValue("failure-threshold", 1, 100); }
  public int maxAttempts() { return intValue("max-attempts", 1, 10); }
  public long firstTokenTimeoutMs() { return longValue("first-token-timeout-ms", 1); }
  public long idleTimeoutMs() { return longValue("idle-timeout-ms", 1); }
  public long requestTimeoutMs() { return longValue("request-timeout-ms", 1); }
  public long maxBodyBytes() { return longValue("max-body-bytes", 1024); }
  public int upstreamPoolSize() { return intValue("upstream-pool-size", 1, 65_536); }
  public int warmupRequests() { return intValue("warmup-requests", 0, 10_000_000); }
  public boolean vertxHttpMetrics() { return Boolean.parseBoolean(values.get("vertx-http-metrics")); }
  public int routerInstances() {
    int configured = intValue("router-instances", 0, 256);
    return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors());
  }
  public long drainTimeoutMs() { return longValue("drain-timeout-ms", 0); }
  public long breakerCoolDownMs() { return longValue("breaker-cool-down-ms", 1); }
  public long maxBlockMs() { return longValue("max-block-ms", 1); }
  public int breakerMaxFailures() { return intValue("breaker-max-failures", 1, 10_000); }
  public double breakerFailureRate() { return fraction("breaker-failure-rate"); }
  public double retryBudgetRatio() { return fraction("retry-budget-ratio"); }
  public double accessLogSample() { return fraction("access-log-sample"); }
  public boolean tracing() {
    String value = values.get("tracing").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new IllegalArgumentException("--tracing must be on or off, got '" + values.get("tracing") + "'");
    };
  }
  public double traceProbeSample() { return fraction("trace-probe-sample"); }
  public boolean hedgeByDefault() { return Boolean.parseBoolean(values.get("hedge")); }
  public dev.meridian.core.routing.PrefixAffinity.Options affinity() {
    return new dev.meridian.core.routing.PrefixAffinity.Options(Boolean.parseBoolean(values.get("affinity")),
        longValue("affinity-min-prefix-chars", 0), fraction("affinity-tolerance"), longValue("affinity-tolerance-ms", 0));
  }

  private double fraction(String flag) {
    double value;
    try {
      value = Double.parseDouble(values.get(flag).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + flag + " must be a number, got '" + values.get(flag) + "'");
    }
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("--" + flag + " must be between 0 and 1");
    }
    return value;
  }

  public boolean clustered() { return Boolean.parseBoolean(values.get("clustered")); }
  public String clusterConfigPath() { return values.get("cluster-config"); }
  public int simulatorPort() { return intValue("simulator-port", 0, 65535); }
  public String simulatorUrl() { return values.get("simulator-url"); }
  public String simulatorDialects() { return values.get("simulator-dialects"); }
  public double simulatorJitter() { return fraction("simulator-jitter"); }
  public double latencyScale() {
    double scale = Double.parseDouble(values.get("latency-scale"));
    if (!(scale >= 0)) {
      throw new IllegalArgumentException("--latency-scale must be >= 0");
    }
    return scale;
  }

  private int intValue(String flag, int min, int max) {
    long value = longValue(flag, min);
    if (value > max) {
      throw new IllegalArgumentException("--" + flag + " must be <= " + max);
    }
    return (int) value;
  }

  private long longValue(String flag, long min) {
    String raw = values.get(flag);
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + flag + " must be a whole number, got '" + raw + "'");
    }
    if (value < min) {
      throw new IllegalArgumentException("--" + flag + " must be >= " + min + ", got " + value);
    }
    return value;
  }
}
