package dev.meridian.simulator;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The faults active on one endpoint. Immutable; build with {@link #NONE} and the {@code with...}
 * methods, or from the admin API's JSON with {@link #fromJson}.
 *
 * @param errorRate probability (0..1) of answering {@code errorStatus} with an OpenAI error body
 * @param errorStatus HTTP status of injected errors, 400..599 (default 500)
 * @param rateLimitRate probability (0..1) of answering 429 with {@code Retry-After}
 * @param retryAfterSeconds value of the {@code Retry-After} header (default 1)
 * @param addedLatencyMs added to the TTFT (before the latency scale)
 * @param stallAfterChunks streams this many token chunks then goes silent, connection open; a
 *     non-streaming request is never answered. {@link #OFF} disables
 * @param resetRate probability (0..1) of closing the connection before any response
 * @param resetAfterChunks streams this many token chunks then closes the connection; a non-streaming
 *     request is closed when its response was due. {@link #OFF} disables
 * @param down closes every connection at once, as a dead upstream
 * @param errorAfterChunks streams this many token chunks, then an error event in the endpoint's dialect
 *     (OpenAI's shape or the provider's own) and ends the stream without {@code [DONE]}; a
 *     non-streaming request gets a 500 when its response was due. {@link #OFF} disables
 */
public record FaultSpec(
    double errorRate,
    int errorStatus,
    double rateLimitRate,
    int retryAfterSeconds,
    long addedLatencyMs,
    int stallAfterChunks,
    double resetRate,
    int resetAfterChunks,
    boolean down,
    int errorAfterChunks) {

  public static final int OFF = -1;
  public static final int DEFAULT_ERROR_STATUS = 500;
  public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;
  /** A fault-free endpoint. */
  public static final FaultSpec NONE =
      new FaultSpec(0, DEFAULT_ERROR_STATUS, 0, DEFAULT_RETRY_AFTER_SECONDS, 0, OFF, 0, OFF, false, OFF);

  private static final long MAX_ADDED_LATENCY_MS = 600_000;
  private static final int MAX_RETRY_AFTER_SECONDS = 86_400;
  private static final Set<String> FIELDS =
      Set.of(
          "errorRate", "errorStatus", "rateLimitRate", "retryAfterSeconds", "addedLatencyMs",
          "stallAfterChunks", "resetRate", "resetAfterChunks", "down", "errorAfterChunks");

  public FaultSpec {
    requireRate("errorRate", errorRate);
    requireRate("rateLimitRate", rateLimitRate);
    requireRate("resetRate", resetRate);
    require(errorStatus >= 400 && errorStatus <= 599, "'errorStatus' must be an HTTP status 400..599");
    require(
        retryAfterSeconds >= 0 && retryAfterSeconds <= MAX_RETRY_AFTER_SECONDS,
        "'retryAfterSeconds' must be 0.." + MAX_RETRY_AFTER_SECONDS);
    require(
        addedLatencyMs >= 0 && addedLatencyMs <= MAX_ADDED_LATENCY_MS,
        "'addedLatencyMs' must be 0.." + MAX_ADDED_LATENCY_MS);
    require(stallAfterChunks >= OFF, "'stallAfterChunks' must be >= 0");
    require(resetAfterChunks >= OFF, "'resetAfterChunks' must be >= 0");
    require(errorAfterChunks >= OFF, "'errorAfterChunks' must be >= 0");
  }

  /**
   * Parses an admin request body: any subset of the fields, the rest fault-free.
   *
   * @throws IllegalArgumentException naming the first bad field
   */
  public static FaultSpec fromJson(JsonObject json) {
    for (String field : json.fieldNames()) {
      require(FIELDS.contains(field), "unknown field '" + field + "'; expected any of " + FIELDS);
    }
    return new FaultSpec(
        number(json, "errorRate", 0).doubleValue(),
        integer(json, "errorStatus", DEFAULT_ERROR_STATUS),
        number(json, "rateLimitRate", 0).doubleValue(),
        integer(json, "retryAfterSeconds", DEFAULT_RETRY_AFTER_SECONDS),
        integer(json, "addedLatencyMs", 0),
        nonNegativeOrOff(json, "stallAfterChunks"),
        number(json, "resetRate", 0).doubleValue(),
        nonNegativeOrOff(json, "resetAfterChunks"),
        bool(json, "down"),
        nonNegativeOrOff(json, "errorAfterChunks"));
  }

  /** Only the active faults, plus the status and Retry-After they use. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (errorRate > 0) {
      json.put("errorRate", errorRate).put("errorStatus", errorStatus);
    }
    if (rateLimitRate > 0) {
      json.put("rateLimitRate", rateLimitRate).put("retryAfterSeconds", retryAfterSeconds);
    }
    if (addedLatencyMs > 0) {
      json.put("addedLatencyMs", addedLatencyMs);
    }
    if (stallAfterChunks != OFF) {
      json.put("stallAfterChunks", stallAfterChunks);
    }
    if (resetRate > 0) {
      json.put("resetRate", resetRate);
    }
    if (resetAfterChunks != OFF) {
      json.put("resetAfterChunks", resetAfterChunks);
    }
    if (down) {
      json.put("down", true);
    }
    if (errorAfterChunks != OFF) {
      json.put("errorAfterChunks", errorAfterChunks);
    }
    return json;
  }

  /** True when this spec injects nothing. */
  public boolean isNone() {
    return errorRate == 0 && rateLimitRate == 0 && addedLatencyMs == 0 && stallAfterChunks == OFF
        && resetRate == 0 && resetAfterChunks == OFF && !down && errorAfterChunks == OFF;
  }

  public FaultSpec withErrorRate(double rate) {
    return new FaultSpec(rate, errorStatus, rateLimitRate, retryAfterSeconds, addedLatencyMs,
        stallAfterChunks, resetRate, resetAfterChunks, down, errorAfterChunks);
  }

  public FaultSpec withErrorStatus(int status) {
    return new FaultSpec(errorRate, status, rateLimitRate, retryAfterSeconds, addedLatencyMs,
        stallAfterChunks, resetRate, resetAfterChunks, down, errorAfterChunks);
  }

  public FaultSpec withRateLimitRate(double rate) {
    return new FaultSpec(errorRate, errorStatus, rate, retryAfterSeconds, addedLatencyMs,
        stallAfterChunks, resetRate, resetAfterChunks, down, errorAfterChunks);
  }

  public FaultSpec withRetryAfterSeconds(int seconds) {
    return new FaultSpec(errorRate, errorStatus, rateLimitRate, seconds, addedLatencyMs,
        stallAfterChunks, resetRate, resetAfterChunks, down, errorAfterChunks);
  }

  public FaultSpec withAddedLatencyMs(long ms) {
    return new FaultSpec(errorRate, errorStatus, rateLimitRate, retryAfterSeconds, ms,
        stallAfterChunks, resetRate, resetAfterChunks, down, errorAfterChunks);
  }

  public FaultSpec withStallAfterChunks(int chunks) {
    return new FaultSpec(errorRate, errorStatus, rateLimitRate, retryAfterSeconds, addedLatencyMs,
        chunks, resetRate, resetAfterChunks, down, errorAfterChunks);
  }

  public FaultSpec withResetRate(double rate) {
    return new FaultSpec(errorRate, errorStatus, rateLimitRate, retryAfterSeconds, addedLatencyMs,
        stallAfterChunks, rate, resetAfterChunks, down, errorAfterChunks);
  }

  public FaultSpec withResetAfterChunks(int chunks) {
    return new FaultSpec(errorRate, errorStatus, rateLimitRate, retryAfterSeconds, addedLatencyMs,
        stallAfterChunks, resetRate, chunks, down, errorAfterChunks);
  }

  public FaultSpec withDown(boolean isDown) {
    return new FaultSpec(errorRate, errorStatus, rateLimitRate, retryAfterSeconds, addedLatencyMs,
        stallAfterChunks, resetRate, resetAfterChunks, isDown, errorAfterChunks);
  }

  public FaultSpec withErrorAfterChunks(int chunks) {
    return new FaultSpec(errorRate, errorStatus, rateLimitRate, retryAfterSeconds, addedLatencyMs,
        stallAfterChunks, resetRate, resetAfterChunks, down, chunks);
  }

  private static Number number(JsonObject json, String field, Number absent) {
    Object value = json.getValue(field);
    if (value == null) {
      return absent;
    }
    require(value instanceof Number, "'" + field + "' must be a number");
    double d = ((Number) value).doubleValue();
    require(Double.isFinite(d), "'" + field + "' must be a finite number");
    return (Number) value;
  }

  private static int integer(JsonObject json, String field, int absent) {
    Number value = number(json, field, absent);
    double d = value.doubleValue();
    require(
        d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE,
        "'" + field + "' must be an integer");
    return value.intValue();
  }

  private static int nonNegativeOrOff(JsonObject json, String field) {
    if (json.getValue(field) == null) {
      return OFF;
    }
    int value = integer(json, field, OFF);
    require(value >= 0, "'" + field + "' must be >= 0");
    return value;
  }

  private static boolean bool(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return false;
    }
    require(value instanceof Boolean, "'" + field + "' must be a boolean");
    return (Boolean) value;
  }

  private static void requireRate(String field, double rate) {
    require(rate >= 0 && rate <= 1, "'" + field + "' must be a probability within 0..1");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
