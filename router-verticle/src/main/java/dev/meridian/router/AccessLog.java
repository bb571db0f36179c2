package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured JSON line per client request, for on-call's look at a single request (its trace id,
 * when tracing recorded it, leads to the trace): who asked for
 * what, where it went, every failed attempt and why, status, first-token time, duration, tokens and
 * cost. No prompt, answer or key text is ever in it (the client key by its name only). Requests that
 * did not end {@code ok} are always logged; {@code ok} ones at the sampling rate (the node installs no
 * access log at all at rate 0, the default). Written to the
 * {@code meridian.access} logger, which the shipped logback.xml sends through an asynchronous appender
 * that drops lines rather than block when its queue is full, so the event loop never waits on I/O.
 */
public final class AccessLog implements ExchangeListener {
  /** The logger the lines go to (its own appender in logback.xml). */
  public static final String LOGGER = "meridian.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final String region;
  private final double sampleRate;
  private final DoubleSupplier random;
  private final LongSupplier clockMs;
  private final java.util.function.Consumer<String> sink;

  /** @param sampleRate the share of {@code ok} requests logged, 0 to 1 */
  public AccessLog(String region, double sampleRate) {
    this(region, sampleRate, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble(), System::currentTimeMillis,
        LOG::info);
  }

  AccessLog(String region, double sampleRate, DoubleSupplier random, LongSupplier clockMs, java.util.function.Consumer<String> sink) {
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException("sample rate must be between 0 and 1");
    }
    this.region = region;
    this.sampleRate = sampleRate;
    this.random = random;
    this.clockMs = clockMs;
    this.sink = sink;
  }

  @Override
  public void onExchange(ExchangeRecord record) {
    if ("ok".equals(record.outcome()) && (sampleRate == 0 || random.getAsDouble() >= sampleRate)) {
      return;
    }
    sink.accept(line(record).encode());
  }

  /** The line of one request. */
  JsonObject line(ExchangeRecord record) {
    Endpoint served = record.endpoint();
    JsonArray failures = new JsonArray();
    for (ExchangeRecord.AttemptFailure failure : record.failures()) {
      failures.add(new JsonObject().put("endpoint", failure.endpoint().id()).put("kind", failure.kind()));
    }
    JsonObject tokens = new JsonObject()
        .put("prompt", record.usage().promptTokens())
        .put("cached", record.usage().cachedPromptTokens())
        .put("completion", record.usage().completionTokens())
        .put("source", record.usage().estimated() ? "estimated" : "usage");
    return new JsonObject()
        .put("ts", Instant.ofEpochMilli(clockMs.getAsLong()).toString())
        .put("request_id", record.requestId())
        .put("trace_id", record.traceId())
        .put("key", record.keyName())
        .put("api", record.api())
        .put("region", region)
        .put("model_requested", bounded(record.requestedModel()))
        .put("model_served", served == null ? null : served.model().id())
        .put("provider", served == null ? null : served.provider().id())
        .put("endpoint_region", served == null ? null : served.region())
        .put("route_reason", record.routeReason())
        .put("attempts", record.attempts())
        .put("failures", failures)
        .put("fallback", record.fallback())
        .put("hedge", record.hedge())
        .put("status", record.status())
        .put("outcome", record.outcome())
        .put("streamed", record.streamed())
        .put("ttft_ms", record.firstByteNanos() < 0 ? null : record.firstByteNanos() / 1_000_000.0)
        .put("duration_ms", record.totalNanos() / 1_000_000.0)
        .put("tokens", tokens)
        .put("cost_usd", record.costDollars());
  }

  /** A client's model name is its own text: kept, but never more than 128 characters of it. */
  private static String bounded(String name) {
    return name == null || name.length() <= 128 ? name : name.substring(0, 128) + "...";
  }
}
