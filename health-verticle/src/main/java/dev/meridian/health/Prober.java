package dev.meridian.health;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.ModelKind;
import dev.meridian.core.health.ProbeResult;
import dev.meridian.core.openai.SecretRedactor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one minimal streaming chat completion to an endpoint (a one-token embedding to an embedding
 * model's) and measures what a client would see: time to first token, generation speed, tokens and
 * cost, and how it failed if it did. The returned
 * future always succeeds; failures are results ({@link dev.meridian.core.health.ProbeOutcome}).
 *
 * <p>One pooled keep-alive {@link HttpClient} serves every probe, so a probe usually reuses a warm
 * connection like real traffic would. Call {@link #probe} from an event loop; nothing here blocks.
 */
public final class Prober {
  private static final Logger LOG = LoggerFactory.getLogger(Prober.class);
  /** Endpoint regions one host may serve at once (the simulator serves them all from one port). */
  static final int MAX_ENDPOINT_REGIONS = 16;

  private final Vertx vertx;
  private final Context context;
  private final HealthOptions options;
  private final ApiKeys apiKeys;
  private final HttpClient client;
  private final ProbeTracing tracing;

  public Prober(Vertx vertx, HealthOptions options, ApiKeys apiKeys) {
    this(vertx, options, apiKeys, ProbeTracing.OFF);
  }

  public Prober(Vertx vertx, HealthOptions options, ApiKeys apiKeys, ProbeTracing tracing) {
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    // A probe's callbacks (timer, connection, stream) share plain fields, so they all run here.
    this.context = vertx.getOrCreateContext();
    this.options = new HealthOptions(options).validate();
    this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
    int connectTimeout = (int) Math.min(Integer.MAX_VALUE, this.options.getProbeTimeoutMs());
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout(connectTimeout)
                .setName("meridian-prober"),
            // Every simulated endpoint shares one host:port, so one host may carry all probes at once:
            // the limiter allows maxConcurrentProbes per endpoint region, and a probe must never wait
            // for a pooled connection (the wait would count as TTFT). A cap, not connections opened.
            new PoolOptions().setHttp1MaxSize(this.options.getMaxConcurrentProbes() * MAX_ENDPOINT_REGIONS));
  }

  /**
   * Probes {@code target} once; never fails, completes within the probe timeout (plus timer slack).
   * Callable from any thread; the probe itself runs on the context the prober was created on.
   */
  public Future<ProbeResult> probe(ProbeTarget target) {
    if (Vertx.currentContext() == context) {
      return run(target);
    }
    Promise<ProbeResult> result = Promise.promise();
    context.runOnContext(v -> run(target).onComplete(result));
    return result.future();
  }

  private Future<ProbeResult> run(ProbeTarget target) {
    String key = apiKeys.keyFor(target.endpoint().provider());
    io.opentelemetry.api.trace.Span span = tracing.start(target);
    Future<ProbeResult> probed =
        target.endpoint().model().kind() == ModelKind.EMBEDDING
            ? new EmbeddingProbe(vertx, client, target, options, key, span).run()
            : new ProbeExchange(vertx, client, target, options, key, requestBody(target), span).run();
    // Whatever the provider said goes into logs, /status.json and the cluster: never the key it was sent.
    SecretRedactor redactor = new SecretRedactor(key == null ? java.util.List.of() : java.util.List.of(key));
    return probed
        .map(result -> result.error() == null ? result : new ProbeResult(result.key(), result.observedAtMs(),
            result.outcome(), result.ttftMs(), result.tokensPerSecond(), result.promptTokens(),
            result.completionTokens(), result.costDollars(), result.httpStatus(), redactor.redact(result.error())))
        .onSuccess(
            result -> {
              ProbeTracing.end(span, result);
              if (LOG.isDebugEnabled()) {
                LOG.debug(
                    "probe {} -> {} status={} ttftMs={} tokensPerSecond={} tokens={}+{} error={}",
                    target,
                    result.outcome(),
                    result.httpStatus(),
                    String.format("%.1f", result.ttftMs()),
                    String.format("%.1f", result.tokensPerSecond()),
                    result.promptTokens(),
                    result.completionTokens(),
                    result.error());
              }
            });
  }

  Buffer requestBody(ProbeTarget target) {
    return new JsonObject()
        .put("model", target.endpoint().model().upstreamId())
        .put(
            "messages",
            new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", options.getProbePrompt())))
        .put("stream", true)
        .put("max_tokens", options.getProbeMaxTokens())
        .put("stream_options", new JsonObject().put("include_usage", true))
        .toBuffer();
  }

  public Future<Void> close() {
    return client.close();
  }
}
