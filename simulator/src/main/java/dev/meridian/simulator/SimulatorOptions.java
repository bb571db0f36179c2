package dev.meridian.simulator;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the simulator listens and how fast its simulated providers are. Mutable and fluent, like Vert.x
 * options; the verticle reads it once at start.
 */
public final class SimulatorOptions {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8090;
  public static final double DEFAULT_LATENCY_SCALE = 1.0;
  public static final double DEFAULT_JITTER_RATIO = 0.03;
  public static final int DEFAULT_OUTPUT_TOKENS = 150;
  /** Upper bound on generated tokens whatever max_tokens asks, so one request cannot stream for hours. */
  public static final int MAX_OUTPUT_TOKENS = 4096;
  public static final long DEFAULT_SEED = 42L;
  /** Every provider writes compact JSON with LF ({@link Dialect#COMPACT}). */
  public static final String COMPACT_DIALECTS = "compact";
  /**
   * Each provider in a dialect modelled on a real one, so the embedded default shows the router every
   * variant: deepseek, tencent as OpenAI, stepfun pretty-printed (usage always sent), moonshot with usage
   * on the last chunk, bytedance CRLF with event/id lines and keep-alives; the others compact.
   */
  public static final String REALISTIC_DIALECTS = "realistic";
  private static final Map<String, Dialect> REALISTIC = Map.of(
      "deepseek", Dialect.DEEPSEEK,
      "tencent", Dialect.OPENAI,
      "stepfun", Dialect.PRETTY,
      "moonshot", Dialect.FINAL_CHUNK_USAGE,
      "bytedance", Dialect.CRLF_EVENTS);

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private double latencyScale = DEFAULT_LATENCY_SCALE;
  private double jitterRatio = DEFAULT_JITTER_RATIO;
  private int defaultOutputTokens = DEFAULT_OUTPUT_TOKENS;
  private String requiredApiKey;
  private long seed = DEFAULT_SEED;
  private String dialectSpec = COMPACT_DIALECTS;
  private Map<String, Dialect> dialects = Map.of();
  private Dialect otherDialect = Dialect.COMPACT;

  public SimulatorOptions() {}

  /** Reads the fields {@link #toJson()} writes; absent fields keep their defaults. */
  public SimulatorOptions(JsonObject json) {
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setLatencyScale(json.getDouble("latencyScale", DEFAULT_LATENCY_SCALE));
    setJitterRatio(json.getDouble("jitterRatio", DEFAULT_JITTER_RATIO));
    setDefaultOutputTokens(json.getInteger("defaultOutputTokens", DEFAULT_OUTPUT_TOKENS));
    setRequiredApiKey(json.getString("requiredApiKey"));
    setSeed(json.getLong("seed", DEFAULT_SEED));
    setDialects(json.getString("dialects", COMPACT_DIALECTS));
  }

  public SimulatorOptions(SimulatorOptions other) {
    this.host = other.host;
    this.port = other.port;
    this.latencyScale = other.latencyScale;
    this.jitterRatio = other.jitterRatio;
    this.defaultOutputTokens = other.defaultOutputTokens;
    this.requiredApiKey = other.requiredApiKey;
    this.seed = other.seed;
    this.dialectSpec = other.dialectSpec;
    this.dialects = other.dialects;
    this.otherDialect = other.otherDialect;
  }

  public String getHost() {
    return host;
  }

  public SimulatorOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  /** 0 picks a free port; read it with {@link SimulatorVerticle#actualPort()}. */
  public SimulatorOptions setPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    this.port = port;
    return this;
  }

  public double getLatencyScale() {
    return latencyScale;
  }

  /** Multiplies every simulated delay (TTFT, RTT, token pacing, added latency); 0 answers at once. */
  public SimulatorOptions setLatencyScale(double latencyScale) {
    if (!(latencyScale >= 0) || Double.isInfinite(latencyScale)) {
      throw new IllegalArgumentException("latencyScale must be a finite number >= 0");
    }
    this.latencyScale = latencyScale;
    return this;
  }

  public double getJitterRatio() {
    return jitterRatio;
  }

  /** Uniform +/- ratio applied to each request's TTFT; 0 makes timings exact. */
  public SimulatorOptions setJitterRatio(double jitterRatio) {
    if (!(jitterRatio >= 0 && jitterRatio <= 1)) {
      throw new IllegalArgumentException("jitterRatio must be within 0..1");
    }
    this.jitterRatio = jitterRatio;
    return this;
  }

  public int getDefaultOutputTokens() {
    return defaultOutputTokens;
  }

  /** Tokens generated when the request sets neither max_tokens nor max_completion_tokens. */
  public SimulatorOptions setDefaultOutputTokens(int defaultOutputTokens) {
    if (defaultOutputTokens < 1 || defaultOutputTokens > MAX_OUTPUT_TOKENS) {
      throw new IllegalArgumentException(
          "defaultOutputTokens must be 1.." + MAX_OUTPUT_TOKENS + ", got " + defaultOutputTokens);
    }
    this.defaultOutputTokens = defaultOutputTokens;
    return this;
  }

  public String getRequiredApiKey() {
    return requiredApiKey;
  }

  /**
   * When set, provider routes answer 401 unless {@code Authorization: Bearer <key>} matches, so tests can
   * prove a router forwards provider keys. Null accepts any caller.
   */
  public SimulatorOptions setRequiredApiKey(String requiredApiKey) {
    this.requiredApiKey = requiredApiKey == null || requiredApiKey.isEmpty() ? null : requiredApiKey;
    return this;
  }

  public long getSeed() {
    return seed;
  }

  /** Seeds jitter and fault draws, so a run can be repeated. */
  public SimulatorOptions setSeed(long seed) {
    this.seed = seed;
    return this;
  }

  public String getDialects() {
    return dialectSpec;
  }

  /**
   * Which {@link Dialect} each simulated provider speaks: a comma-separated list of presets ({@value
   * #COMPACT_DIALECTS}, {@value #REALISTIC_DIALECTS}) and {@code provider=dialect} pairs, later items
   * winning; {@code *=dialect} sets the providers not named. Example: {@code realistic,qwen=pretty}.
   *
   * @throws IllegalArgumentException naming an unknown preset or dialect
   */
  public SimulatorOptions setDialects(String spec) {
    Map<String, Dialect> parsed = new LinkedHashMap<>();
    Dialect other = Dialect.COMPACT;
    String text = spec == null || spec.isBlank() ? COMPACT_DIALECTS : spec.trim();
    for (String item : text.split(",")) {
      String entry = item.trim();
      int eq = entry.indexOf('=');
      if (eq < 0) {
        switch (entry) {
          case COMPACT_DIALECTS -> {
            parsed.clear();
            other = Dialect.COMPACT;
          }
          case REALISTIC_DIALECTS -> parsed.putAll(REALISTIC);
          default -> throw new IllegalArgumentException("unknown dialect preset '" + entry + "'; expected "
              + COMPACT_DIALECTS + ", " + REALISTIC_DIALECTS + " or provider=dialect");
        }
        continue;
      }
      String provider = entry.substring(0, eq).trim();
      Dialect dialect = Dialect.of(entry.substring(eq + 1));
      if (provider.isEmpty()) {
        throw new IllegalArgumentException("'" + entry + "' names no provider");
      }
      if (provider.equals("*")) {
        other = dialect;
      } else {
        parsed.put(provider, dialect);
      }
    }
    this.dialectSpec = text;
    this.dialects = Map.copyOf(parsed);
    this.otherDialect = other;
    return this;
  }

  /** The dialect {@code provider} speaks. */
  public Dialect dialectOf(String provider) {
    return dialects.getOrDefault(provider, otherDialect);
  }

  /** Includes the required API key when one is set: configuration, not something to log. */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("host", host)
            .put("port", port)
            .put("latencyScale", latencyScale)
            .put("jitterRatio", jitterRatio)
            .put("defaultOutputTokens", defaultOutputTokens)
            .put("seed", seed)
            .put("dialects", dialectSpec);
    if (requiredApiKey != null) {
      json.put("requiredApiKey", requiredApiKey);
    }
    return json;
  }

  /** Safe to log: the API key is reduced to whether one is set. */
  @Override
  public String toString() {
    return "SimulatorOptions{host=" + host + ", port=" + port + ", latencyScale=" + latencyScale
        + ", jitterRatio=" + jitterRatio + ", defaultOutputTokens=" + defaultOutputTokens
        + ", requiredApiKey=" + (requiredApiKey == null ? "none" : "set") + ", seed=" + seed + ", dialects=" + dialectSpec + "}";
  }
}
