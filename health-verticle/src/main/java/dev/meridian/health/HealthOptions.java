package dev.meridian.health;

import dev.meridian.core.health.HealthPolicy;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Configuration of the health verticle: how often and how hard this node probes, and how results turn
 * into a verdict. Every setter validates at once, so a bad configuration fails at start-up with the
 * field's name rather than as odd behaviour later.
 */
public class HealthOptions {
  /** Time between two probes of the same endpoint from this region. */
  public static final long DEFAULT_PROBE_INTERVAL_MS = 30_000;
  /** Deadline of one whole probe; reasoning models can take many seconds to their first token. */
  public static final long DEFAULT_PROBE_TIMEOUT_MS = 15_000;
  /** Probes in flight at once on this node; the rest wait in a queue. */
  public static final int DEFAULT_MAX_CONCURRENT_PROBES = 4;
  /** Fraction of a probe's slot by which its start moves at random, so rounds don't fall into lockstep. */
  public static final double DEFAULT_JITTER_RATIO = 0.2;
  /** Tokens asked of the upstream: enough to measure a rate, cheap enough to pay every 30 s. */
  public static final int DEFAULT_PROBE_MAX_TOKENS = 16;
  public static final String DEFAULT_PROBE_PROMPT = "Reply with one word: ok";
  public static final HealthPolicy DEFAULT_HEALTH_POLICY = HealthPolicy.DEFAULT;
  /** The first round after start-up is spread over this short window so a fresh router has data fast. */
  public static final long DEFAULT_FIRST_ROUND_SPREAD_MS = 2_000;

  private String region;
  private long probeIntervalMs = DEFAULT_PROBE_INTERVAL_MS;
  private long probeTimeoutMs = DEFAULT_PROBE_TIMEOUT_MS;
  private int maxConcurrentProbes = DEFAULT_MAX_CONCURRENT_PROBES;
  private double jitterRatio = DEFAULT_JITTER_RATIO;
  private int probeMaxTokens = DEFAULT_PROBE_MAX_TOKENS;
  private String probePrompt = DEFAULT_PROBE_PROMPT;
  private HealthPolicy healthPolicy = DEFAULT_HEALTH_POLICY;
  private long firstRoundSpreadMs = DEFAULT_FIRST_ROUND_SPREAD_MS;

  public HealthOptions() {}

  public HealthOptions(HealthOptions other) {
    this.region = other.region;
    this.probeIntervalMs = other.probeIntervalMs;
    this.probeTimeoutMs = other.probeTimeoutMs;
    this.maxConcurrentProbes = other.maxConcurrentProbes;
    this.jitterRatio = other.jitterRatio;
    this.probeMaxTokens = other.probeMaxTokens;
    this.probePrompt = other.probePrompt;
    this.healthPolicy = other.healthPolicy;
    this.firstRoundSpreadMs = other.firstRoundSpreadMs;
  }

  /**
   * Reads the fields named like the setters; absent fields keep their defaults. {@code healthPolicy}
   * is an object with {@code failureThreshold}, {@code windowSize}, {@code ewmaAlpha} and
   * {@code staleAfterMs}, each optional.
   */
  public HealthOptions(JsonObject json) {
    this();
    if (json.containsKey("region")) {
      setRegion(json.getString("region"));
    }
    setProbeIntervalMs(json.getLong("probeIntervalMs", probeIntervalMs));
    setProbeTimeoutMs(json.getLong("probeTimeoutMs", probeTimeoutMs));
    setMaxConcurrentProbes(json.getInteger("maxConcurrentProbes", maxConcurrentProbes));
    setJitterRatio(json.getDouble("jitterRatio", jitterRatio));
    setProbeMaxTokens(json.getInteger("probeMaxTokens", probeMaxTokens));
    setProbePrompt(json.getString("probePrompt", probePrompt));
    setFirstRoundSpreadMs(json.getLong("firstRoundSpreadMs", firstRoundSpreadMs));
    JsonObject policy = json.getJsonObject("healthPolicy");
    if (policy != null) {
      setHealthPolicy(
          new HealthPolicy(
              policy.getInteger("failureThreshold", healthPolicy.failureThreshold()),
              policy.getInteger("windowSize", healthPolicy.windowSize()),
              policy.getDouble("ewmaAlpha", healthPolicy.ewmaAlpha()),
              policy.getLong("staleAfterMs", healthPolicy.staleAfterMs())));
    }
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("probeIntervalMs", probeIntervalMs)
            .put("probeTimeoutMs", probeTimeoutMs)
            .put("maxConcurrentProbes", maxConcurrentProbes)
            .put("jitterRatio", jitterRatio)
            .put("probeMaxTokens", probeMaxTokens)
            .put("probePrompt", probePrompt)
            .put("firstRoundSpreadMs", firstRoundSpreadMs)
            .put(
                "healthPolicy",
                new JsonObject()
                    .put("failureThreshold", healthPolicy.failureThreshold())
                    .put("windowSize", healthPolicy.windowSize())
                    .put("ewmaAlpha", healthPolicy.ewmaAlpha())
                    .put("staleAfterMs", healthPolicy.staleAfterMs()));
    if (region != null) {
      json.put("region", region);
    }
    return json;
  }

  /** Throws when a required field is missing; the setters have already checked the ranges. */
  public HealthOptions validate() {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("health options need this node's region");
    }
    return this;
  }

  public String getRegion() {
    return region;
  }

  /** This node's region: the observer region of every record it writes. Required. */
  public HealthOptions setRegion(String region) {
    this.region = region;
    return this;
  }

  public long getProbeIntervalMs() {
    return probeIntervalMs;
  }

  public HealthOptions setProbeIntervalMs(long probeIntervalMs) {
    this.probeIntervalMs = positive(probeIntervalMs, "probeIntervalMs");
    return this;
  }

  public long getProbeTimeoutMs() {
    return probeTimeoutMs;
  }

  public HealthOptions setProbeTimeoutMs(long probeTimeoutMs) {
    this.probeTimeoutMs = positive(probeTimeoutMs, "probeTimeoutMs");
    return this;
  }

  public int getMaxConcurrentProbes() {
    return maxConcurrentProbes;
  }

  public HealthOptions setMaxConcurrentProbes(int maxConcurrentProbes) {
    this.maxConcurrentProbes = (int) positive(maxConcurrentProbes, "maxConcurrentProbes");
    return this;
  }

  public double getJitterRatio() {
    return jitterRatio;
  }

  /** In [0, 1): below 1 two probes of one round can never swap places or coincide. */
  public HealthOptions setJitterRatio(double jitterRatio) {
    if (!(jitterRatio >= 0 && jitterRatio < 1)) {
      throw new IllegalArgumentException("jitterRatio must be in [0, 1), got " + jitterRatio);
    }
    this.jitterRatio = jitterRatio;
    return this;
  }

  public int getProbeMaxTokens() {
    return probeMaxTokens;
  }

  public HealthOptions setProbeMaxTokens(int probeMaxTokens) {
    this.probeMaxTokens = (int) positive(probeMaxTokens, "probeMaxTokens");
    return this;
  }

  public String getProbePrompt() {
    return probePrompt;
  }

  public HealthOptions setProbePrompt(String probePrompt) {
    if (probePrompt == null || probePrompt.isEmpty()) {
      throw new IllegalArgumentException("probePrompt must not be empty");
    }
    this.probePrompt = probePrompt;
    return this;
  }

  public HealthPolicy getHealthPolicy() {
    return healthPolicy;
  }

  public HealthOptions setHealthPolicy(HealthPolicy healthPolicy) {
    this.healthPolicy = Objects.requireNonNull(healthPolicy, "healthPolicy");
    return this;
  }

  public long getFirstRoundSpreadMs() {
    return firstRoundSpreadMs;
  }

  /** 0 starts every first-round probe at once (still bounded by {@link #getMaxConcurrentProbes()}). */
  public HealthOptions setFirstRoundSpreadMs(long firstRoundSpreadMs) {
    if (firstRoundSpreadMs < 0) {
      throw new IllegalArgumentException("firstRoundSpreadMs must be >= 0, got " + firstRoundSpreadMs);
    }
    this.firstRoundSpreadMs = firstRoundSpreadMs;
    return this;
  }

  private static long positive(long value, String field) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + value);
    }
    return value;
  }
}
