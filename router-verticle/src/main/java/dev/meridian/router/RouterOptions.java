package dev.meridian.router;

import io.vertx.core.json.JsonObject;

/**
 * Router settings, each with a documented default (docs/configuration.md). Copied on construction by
 * the verticle, so later changes to an instance do not leak into a running router.
 */
public final class RouterOptions {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  /** Largest request body accepted; chat prompts with long contexts fit, uploads do not. */
  public static final long DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
  /** Endpoints tried per request before giving up (first choice plus fallbacks). */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
  /** Longest wait for the first byte of an upstream's body; reasoning models think for seconds. */
  public static final long DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 20_000;
  /** Longest silence between two chunks of a stream once it has started. */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;
  /** Whole-request budget across all attempts. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
  /**
   * Keep-alive connections per upstream host and router instance. HTTP/1.1 carries one response per
   * connection, so this is also the most concurrent streams to one provider host per instance; 128 made
   * the 257th stream on a 2-core node wait (docs/performance.md, 1,000 streams). Idle ones close after the
   * keep-alive timeout, so a high cap costs nothing until it is used.
   */
  public static final int DEFAULT_UPSTREAM_POOL_SIZE = 1024;

  private String region;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  /** A client must deliver its whole request body within this; a slow drip (slowloris) is cut off. */
  private long bodyReadTimeoutMs = 30_000;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  private long firstTokenTimeoutMs = DEFAULT_FIRST_TOKEN_TIMEOUT_MS;
  private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
  private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  private int upstreamPoolSize = DEFAULT_UPSTREAM_POOL_SIZE;
  /** Where /metrics and /status listen: -1 (default) on the main port, else a port of their own. */
  private int adminPort = -1;
  /** Address of the admin port; null for the main {@code host}. */
  private String adminHost;
  private dev.meridian.core.routing.PrefixAffinity.Options affinity = dev.meridian.core.routing.PrefixAffinity.Options.DEFAULT;

  public RouterOptions() {}

  public RouterOptions(RouterOptions other) {
    this.region = other.region;
    this.host = other.host;
    this.port = other.port;
    this.maxBodyBytes = other.maxBodyBytes;
    this.bodyReadTimeoutMs = other.bodyReadTimeoutMs;
    this.maxAttempts = other.maxAttempts;
    this.connectTimeoutMs = other.connectTimeoutMs;
    this.firstTokenTimeoutMs = other.firstTokenTimeoutMs;
    this.idleTimeoutMs = other.idleTimeoutMs;
    this.requestTimeoutMs = other.requestTimeoutMs;
    this.upstreamPoolSize = other.upstreamPoolSize;
    this.adminPort = other.adminPort;
    this.adminHost = other.adminHost;
    this.affinity = other.affinity;
  }

  public RouterOptions(JsonObject json) {
    this();
    region = json.getString("region", region);
    host = json.getString("host", host);
    port = json.getInteger("port", port);
    maxBodyBytes = json.getLong("maxBodyBytes", maxBodyBytes);
    bodyReadTimeoutMs = json.getLong("bodyReadTimeoutMs", bodyReadTimeoutMs);
    maxAttempts = json.getInteger("maxAttempts", maxAttempts);
    connectTimeoutMs = json.getLong("connectTimeoutMs", connectTimeoutMs);
    firstTokenTimeoutMs = json.getLong("firstTokenTimeoutMs", firstTokenTimeoutMs);
    idleTimeoutMs = json.getLong("idleTimeoutMs", idleTimeoutMs);
    requestTimeoutMs = json.getLong("requestTimeoutMs", requestTimeoutMs);
    upstreamPoolSize = json.getInteger("upstreamPoolSize", upstreamPoolSize);
    adminPort = json.getInteger("adminPort", adminPort);
    adminHost = json.getString("adminHost", adminHost);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("region", region)
        .put("host", host)
        .put("port", port)
        .put("maxBodyBytes", maxBodyBytes)
        .put("bodyReadTimeoutMs", bodyReadTimeoutMs)
        .put("maxAttempts", maxAttempts)
        .put("connectTimeoutMs", connectTimeoutMs)
        .put("firstTokenTimeoutMs", firstTokenTimeoutMs)
        .put("idleTimeoutMs", idleTimeoutMs)
        .put("requestTimeoutMs", requestTimeoutMs)
        .put("upstreamPoolSize", upstreamPoolSize)
        .put("adminPort", adminPort)
        .put("adminHost", adminHost);
  }

  /** Fails fast at start-up rather than at the first request. */
  public void validate() {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("router region is required");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    if (bodyReadTimeoutMs < 1) {
      throw new IllegalArgumentException("bodyReadTimeoutMs must be >= 1");
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1024");
    }
    if (firstTokenTimeoutMs <= 0 || idleTimeoutMs <= 0 || requestTimeoutMs <= 0 || connectTimeoutMs <= 0) {
      throw new IllegalArgumentException("timeouts must be > 0");
    }
  }

  public String getRegion() { return region; }
  public RouterOptions setRegion(String region) { this.region = region; return this; }
  public String getHost() { return host; }
  public RouterOptions setHost(String host) { this.host = host; return this; }
  public int getPort() { return port; }
  public RouterOptions setPort(int port) { this.port = port; return this; }
  public long getMaxBodyBytes() { return maxBodyBytes; }
  public long getBodyReadTimeoutMs() { return bodyReadTimeoutMs; }
  public RouterOptions setBodyReadTimeoutMs(long bodyReadTimeoutMs) { this.bodyReadTimeoutMs = bodyReadTimeoutMs; return this; }
  public RouterOptions setMaxBodyBytes(long maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; return this; }
  /** Prompt-cache affinity ({@link dev.meridian.core.routing.PrefixAffinity}); on by default. */
  public dev.meridian.core.routing.PrefixAffinity.Options getAffinity() { return affinity; }
  public RouterOptions setAffinity(dev.meridian.core.routing.PrefixAffinity.Options affinity) {
    this.affinity = java.util.Objects.requireNonNull(affinity, "affinity");
    return this;
  }

  public int getMaxAttempts() { return maxAttempts; }
  public RouterOptions setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; return this; }
  public long getConnectTimeoutMs() { return connectTimeoutMs; }
  public RouterOptions setConnectTimeoutMs(long ms) { this.connectTimeoutMs = ms; return this; }
  public long getFirstTokenTimeoutMs() { return firstTokenTimeoutMs; }
  public RouterOptions setFirstTokenTimeoutMs(long ms) { this.firstTokenTimeoutMs = ms; return this; }
  public long getIdleTimeoutMs() { return idleTimeoutMs; }
  public RouterOptions setIdleTimeoutMs(long ms) { this.idleTimeoutMs = ms; return this; }
  public long getRequestTimeoutMs() { return requestTimeoutMs; }
  public RouterOptions setRequestTimeoutMs(long ms) { this.requestTimeoutMs = ms; return this; }
  public int getUpstreamPoolSize() { return upstreamPoolSize; }
  public RouterOptions setUpstreamPoolSize(int size) { this.upstreamPoolSize = size; return this; }
  public int getAdminPort() { return adminPort; }
  public RouterOptions setAdminPort(int adminPort) { this.adminPort = adminPort; return this; }
  public String getAdminHost() { return adminHost == null ? host : adminHost; }
  public RouterOptions setAdminHost(String adminHost) { this.adminHost = adminHost; return this; }
  /** True when /metrics and /status have a listener of their own. */
  public boolean hasAdminPort() { return adminPort >= 0; }
}
