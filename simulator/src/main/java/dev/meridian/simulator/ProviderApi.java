package dev.meridian.simulator;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated providers' OpenAI-compatible API: {@code POST /{region}/{provider}/v1/chat/completions}
 * and {@code GET /{region}/{provider}/v1/models}. Resolves the endpoint, counts the request, applies
 * the endpoint's faults and latency, then answers whole or streamed.
 */
final class ProviderApi {
  private static final Logger log = LoggerFactory.getLogger(ProviderApi.class);
  static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
  /** Each endpoint's prompt cache, by endpoint id (event-loop only, as the rest of the simulator). */
  private final Map<String, PrefixCache> prefixCaches = new HashMap<>();
  /** A fixed "created" for listed models, so the list is stable. */
  private static final long MODELS_CREATED = 1_767_225_600L;

  private final Vertx vertx;
  private final Catalog catalog;
  private final SimulatorOptions options;
  private final LatencyProfile latency;
  private final FaultRegistry faults;
  private final SimulatorStats stats;
  private final Random random;
  /** region, provider and either model name (client id or upstream id) to the endpoint. */
  private final Map<String, Endpoint> endpointsByName = new HashMap<>();
  /** region and provider to its pre-encoded model list. */
  private final Map<String, Buffer> modelLists = new HashMap<>();
  private final byte[] expectedAuthorization;
  private final AtomicLong nextId = new AtomicLong();

  ProviderApi(
      Vertx vertx,
      Catalog catalog,
      SimulatorOptions options,
      FaultRegistry faults,
      SimulatorStats stats,
      Random random) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.options = options;
    this.latency = new LatencyProfile(options.getLatencyScale());
    this.faults = faults;
    this.stats = stats;
    this.random = random;
    this.expectedAuthorization =
        options.getRequiredApiKey() == null
            ? null
            : ("Bearer " + options.getRequiredApiKey()).getBytes(StandardCharsets.UTF_8);
    indexEndpoints();
  }

  private void indexEndpoints() {
    Map<String, JsonArray> lists = new HashMap<>();
    for (Endpoint endpoint : catalog.endpoints()) {
      ModelSpec model = endpoint.model();
      String prefix = key(endpoint.region(), endpoint.provider().id());
      endpointsByName.put(key(prefix, model.upstreamId()), endpoint);
      // The client-facing id is accepted too, unless it is another model's upstream id.
      endpointsByName.putIfAbsent(key(prefix, model.id()), endpoint);
      lists
          .computeIfAbsent(prefix, p -> new JsonArray())
          .add(
              new JsonObject()
                  .put("id", model.upstreamId())
                  .put("object", "model")
                  .put("created", MODELS_CREATED)
                  .put("owned_by", endpoint.provider().id()));
    }
    lists.forEach(
        (prefix, data) ->
            modelLists.put(
                prefix, new JsonObject().put("object", "list").put("data", data).toBuffer()));
  }

  int endpointCount() {
    return catalog.endpoints().size();
  }

  void mount(Router router) {
    router
        .post("/:region/:provider/v1/chat/completions")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(this::chatCompletions);
    router.get("/:region/:provider/v1/models").handler(this::models);
  }

  private void models(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    Buffer list = modelLists.get(key(ctx.pathParam("region"), ctx.pathParam("provider")));
    if (list == null) {
      Replies.error(response, Replies.unknownProvider(ctx.pathParam("region"), ctx.pathParam("provider")));
    } else if (!authorized(ctx.request())) {
      Replies.error(response, Replies.unauthorized());
    } else {
      response.putHeader("content-type", Replies.JSON).end(list);
    }
  }

  private void chatCompletions(RoutingContext ctx) {
    String region = ctx.pathParam("region");
    String provider = ctx.pathParam("provider");
    if (!modelLists.containsKey(key(region, provider))) {
      Replies.error(ctx.response(), Replies.unknownProvider(region, provider));
      return;
    }
    ChatRequest chat;
    try {
      chat = ChatRequestParser.parse(ctx.body().asString());
    } catch (OpenAiException e) {
      Replies.error(ctx.response(), e.error());
      return;
    }
    serve(ctx.request(), region, provider, chat, WireTranscoder.NONE);
  }

  /** The catalog endpoint of a provider's model name in a region, or null. */
  Endpoint endpoint(String region, String provider, String model) {
    return endpointsByName.get(key(key(region, provider), model));
  }

  boolean serves(String region, String provider) {
    return modelLists.containsKey(key(region, provider));
  }

  /**
   * Answers a parsed chat-completions request as the endpoint would: its latency, the caller's
   * distance, its faults; the bytes through {@code transcoder} (another API's shape, or as they are).
   */
  void serve(HttpServerRequest request, String region, String provider, ChatRequest chat, WireTranscoder transcoder) {
    HttpServerResponse response = request.response();
    ChatFeatures features;
    try {
      features = ChatFeatures.of(chat.body());
    } catch (OpenAiException e) {
      errorReply(response, e.error(), transcoder);
      return;
    }
    Endpoint endpoint = endpoint(region, provider, chat.model());
    if (endpoint == null) {
      errorReply(response, Replies.unknownModel(chat.model(), region, provider), transcoder);
      return;
    }

    response.putHeader(MeridianHeaders.SIMULATOR_ENDPOINT, endpoint.id());
    String callerRegion = request.getHeader(MeridianHeaders.ROUTER_REGION);
    SimulatorStats.EndpointStats endpointStats = stats.record(endpoint.id());
    endpointStats.recordRequest(
        callerRegionKey(callerRegion),
        "true".equalsIgnoreCase(request.getHeader(MeridianHeaders.PROBE)),
        request.getHeader(HttpHeaders.AUTHORIZATION) != null || request.getHeader("x-api-key") != null,
        request.getHeader("traceparent"));
    if (!authorized(request)) {
      errorReply(response, Replies.unauthorized(), transcoder);
      return;
    }

    Exchange exchange = new Exchange(vertx, request, endpointStats, transcoder);
    FaultSpec fault = faults.get(endpoint.id());
    double rttMs = latency.rttMs(callerRegion, endpoint.region());
    if (!fault.isNone() && answeredByFault(exchange, endpoint, fault, rttMs)) {
      return;
    }

    ModelSpec model = endpoint.model();
    PrefixCache cache = prefixCaches.computeIfAbsent(endpoint.id(), id -> new PrefixCache());
    Object tools = chat.body().getValue("tools");
    int cached = cache.lookUpAndKeep(tools instanceof JsonArray list ? list : null,
        chat.body().getJsonArray("messages"), System.currentTimeMillis());
    CompletionPlan plan =
        CompletionPlan.of(
            model,
            chat,
            features,
            options.getDefaultOutputTokens(),
            "chatcmpl-sim-" + Long.toHexString(nextId.incrementAndGet()),
            System.currentTimeMillis() / 1000,
            cached);
    if (plan.cachedPromptTokens() > 0) {
      endpointStats.recordCacheHit(plan.cachedPromptTokens());
    }
    // A cached prompt is not read again: the first token comes sooner, in proportion to what was cached.
    double cachedShare = plan.promptTokens() == 0 ? 0 : (double) plan.cachedPromptTokens() / plan.promptTokens();
    Dialect dialect = options.dialectOf(provider);
    double firstByteMs =
        rttMs
            + LatencyProfile.withJitter(
                    latency.ttftMs(model, endpoint.region()), options.getJitterRatio(), random)
                * (1 - PrefixCache.TTFT_SAVED_WHEN_CACHED * cachedShare);
    if (fault.addedLatencyMs() > 0) {
      endpointStats.recordFault(FaultKind.ADDED_LATENCY);
      firstByteMs += latency.scaled(fault.addedLatencyMs());
    }
    double tokenIntervalMs = latency.tokenIntervalMs(model);
    if (chat.stream()) {
      new StreamingResponder(exchange, plan, dialect, firstByteMs, tokenIntervalMs, fault).start();
    } else {
      respondWhole(exchange, plan, dialect, firstByteMs + plan.longestChoiceTokens() * tokenIntervalMs, fault);
    }
  }

  private static void errorReply(HttpServerResponse response, OpenAiError error, WireTranscoder transcoder) {
    response.setStatusCode(error.status()).putHeader("content-type", Replies.JSON)
        .end(transcoder.error(error.status(), error.toJson().toBuffer()));
  }

  /** Faults that replace the answer altogether; returns whether one did. */
  boolean answeredByFault(Exchange exchange, Endpoint endpoint, FaultSpec fault, double rttMs) {
    SimulatorStats.EndpointStats endpointStats = exchange.stats();
    if (fault.down()) {
      endpointStats.recordFault(FaultKind.DOWN);
      log.debug("Dropping request to {}: endpoint is down", endpoint);
      exchange.abort();
      return true;
    }
    if (draw(fault.resetRate())) {
      endpointStats.recordFault(FaultKind.RESET);
      log.debug("Resetting connection of a request to {}", endpoint);
      exchange.abort();
      return true;
    }
    // Errors are not instant: they still cross the network, though they skip the model's TTFT.
    if (draw(fault.rateLimitRate())) {
      endpointStats.recordFault(FaultKind.RATE_LIMIT);
      int retryAfter = fault.retryAfterSeconds();
      exchange.schedule(
          rttMs,
          () -> {
            exchange.response().putHeader("retry-after", Integer.toString(retryAfter));
            reply(exchange, Replies.rateLimited(endpoint.id(), retryAfter).toJson(), 429);
          });
      return true;
    }
    if (draw(fault.errorRate())) {
      endpointStats.recordFault(FaultKind.ERROR);
      int status = fault.errorStatus();
      exchange.schedule(
          rttMs, () -> reply(exchange, Replies.injected(status, endpoint.id()).toJson(), status));
      return true;
    }
    return false;
  }

  private static void reply(Exchange exchange, JsonObject body, int status) {
    exchange.reply(status, Replies.JSON, body.toBuffer());
  }

  private void respondWhole(
      Exchange exchange, CompletionPlan plan, Dialect dialect, double delayMs, FaultSpec fault) {
    if (fault.stallAfterChunks() != FaultSpec.OFF) {
      // A non-streamed answer has no chunks to deliver first: it is simply never sent.
      exchange.stats().recordFault(FaultKind.STALL);
      exchange.stall();
      return;
    }
    if (fault.resetAfterChunks() != FaultSpec.OFF) {
      exchange.schedule(
          delayMs,
          () -> {
            exchange.stats().recordFault(FaultKind.RESET_AFTER_CHUNKS);
            exchange.abort();
          });
      return;
    }
    if (fault.errorAfterChunks() != FaultSpec.OFF) {
      // No stream to break in the middle of: the failure is the answer.
      exchange.schedule(
          delayMs,
          () -> {
            exchange.stats().recordFault(FaultKind.ERROR_EVENT);
            reply(exchange, Replies.injected(500, exchange.response().headers()
                .get(MeridianHeaders.SIMULATOR_ENDPOINT)).toJson(), 500);
          });
      return;
    }
    exchange.schedule(
        delayMs,
        () -> {
          exchange.response().putHeader("content-type", Replies.JSON);
          exchange.complete(Buffer.buffer(dialect.encode(plan.completionJson(dialect))));
        });
  }

  private boolean draw(double probability) {
    return probability > 0 && (probability >= 1 || random.nextDouble() < probability);
  }

  boolean authorized(HttpServerRequest request) {
    if (expectedAuthorization == null) {
      return true;
    }
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null && request.getHeader("x-api-key") != null) {
      // The Anthropic-compatible endpoints take the key as x-api-key.
      header = "Bearer " + request.getHeader("x-api-key");
    }
    // Constant-time, so the simulator does not teach a timing attack to whoever copies it.
    return header != null
        && MessageDigest.isEqual(expectedAuthorization, header.getBytes(StandardCharsets.UTF_8));
  }

  /** Bounded stats keys: a known region, "none" or "other", never an arbitrary header value. */
  String callerRegionKey(String callerRegion) {
    if (callerRegion == null || callerRegion.isEmpty()) {
      return SimulatorStats.NO_CALLER_REGION;
    }
    return catalog.hasRegion(callerRegion) ? callerRegion : SimulatorStats.OTHER_CALLER_REGION;
  }

  private static String key(String first, String second) {
    return first + '\u0000' + second;
  }
}
