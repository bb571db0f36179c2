package dev.meridian.simulator;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.EmbeddingSpec;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelKind;
import dev.meridian.core.openai.EmbeddingsRequest;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * {@code POST /{region}/{provider}/v1/embeddings} of the simulated providers: the catalog's embedding
 * models, with their dimensions and batch limits, deterministic vectors ({@link EmbeddingVectors}),
 * the region's latency and the endpoint's faults, as {@link ProviderApi} applies them to chat.
 */
final class EmbeddingsApi {
  private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
  /** What reading the input costs after the first byte is ready: providers embed about this fast. */
  private static final double MS_PER_INPUT_TOKEN = 0.01;
  /** Chat arguments a client or a router might wrongly carry over to an embeddings request. */
  private static final java.util.List<String> CHAT_ONLY_ARGUMENTS =
      java.util.List.of("messages", "max_tokens", "max_completion_tokens", "stream", "temperature");

  private final Vertx vertx;
  private final ProviderApi providers;
  private final FaultRegistry faults;
  private final SimulatorStats stats;
  private final LatencyProfile latency;
  private final double jitterRatio;
  private final Random random;
  /** region, provider and model name (upstream id, or client id) to the embedding endpoint. */
  private final Map<String, Endpoint> endpoints = new HashMap<>();

  EmbeddingsApi(Vertx vertx, Catalog catalog, SimulatorOptions options, ProviderApi providers,
      FaultRegistry faults, SimulatorStats stats, Random random) {
    this.vertx = vertx;
    this.providers = providers;
    this.faults = faults;
    this.stats = stats;
    this.latency = new LatencyProfile(options.getLatencyScale());
    this.jitterRatio = options.getJitterRatio();
    this.random = random;
    for (Endpoint endpoint : catalog.endpoints()) {
      if (endpoint.model().kind() == ModelKind.EMBEDDING) {
        String prefix = endpoint.region() + '/' + endpoint.provider().id() + '/';
        endpoints.put(prefix + endpoint.model().upstreamId(), endpoint);
        endpoints.putIfAbsent(prefix + endpoint.model().id(), endpoint);
      }
    }
  }

  void mount(Router router) {
    router
        .post("/:region/:provider/v1/embeddings")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(this::embeddings);
  }

  private void embeddings(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String region = ctx.pathParam("region");
    String provider = ctx.pathParam("provider");
    EmbeddingsRequest parsed;
    try {
      parsed = EmbeddingsRequest.parse(ctx.body().asString());
    } catch (OpenAiException e) {
      Replies.error(ctx.response(), e.error());
      return;
    }
    Endpoint endpoint = endpoints.get(region + '/' + provider + '/' + parsed.model());
    if (endpoint == null) {
      Replies.error(ctx.response(), Replies.unknownModel(parsed.model(), region, provider));
      return;
    }
    ctx.response().putHeader(MeridianHeaders.SIMULATOR_ENDPOINT, endpoint.id());
    String callerRegion = request.getHeader(MeridianHeaders.ROUTER_REGION);
    SimulatorStats.EndpointStats endpointStats = stats.record(endpoint.id());
    endpointStats.recordRequest(
        providers.callerRegionKey(callerRegion),
        "true".equalsIgnoreCase(request.getHeader(MeridianHeaders.PROBE)),
        request.getHeader(HttpHeaders.AUTHORIZATION) != null);
    if (!providers.authorized(request)) {
      Replies.error(ctx.response(), Replies.unauthorized());
      return;
    }
    EmbeddingSpec spec = endpoint.model().embedding();
    OpenAiError refusal = refusal(spec, parsed);
    if (refusal != null) {
      Replies.error(ctx.response(), refusal);
      return;
    }
    Exchange exchange = new Exchange(vertx, request, endpointStats);
    FaultSpec fault = faults.get(endpoint.id());
    double rttMs = latency.rttMs(callerRegion, endpoint.region());
    if (!fault.isNone() && providers.answeredByFault(exchange, endpoint, fault, rttMs)) {
      return;
    }
    if (fault.stallAfterChunks() != FaultSpec.OFF) {
      exchange.stats().recordFault(FaultKind.STALL);
      exchange.stall();
      return;
    }
    double delayMs = rttMs
        + LatencyProfile.withJitter(latency.ttftMs(endpoint.model(), endpoint.region()), jitterRatio, random)
        + latency.scaled(parsed.estimatedTokens() * MS_PER_INPUT_TOKEN);
    if (fault.addedLatencyMs() > 0) {
      endpointStats.recordFault(FaultKind.ADDED_LATENCY);
      delayMs += latency.scaled(fault.addedLatencyMs());
    }
    JsonObject body = parsed.body();
    Integer dimensions = body.getInteger("dimensions");
    JsonArray inputs = inputsOf(body.getValue("input"));
    JsonObject answer = EmbeddingVectors.answer(
        endpoint.model().upstreamId(), inputs, dimensions == null ? spec.dimensions() : dimensions,
        "base64".equals(body.getValue("encoding_format")), Math.max(1, parsed.estimatedTokens()));
    exchange.schedule(delayMs, () -> {
      exchange.response().putHeader("content-type", Replies.JSON);
      exchange.complete(answer.toBuffer());
    });
  }

  /** What this model refuses that the request shape allows: a batch too large, a length it cannot give. */
  static OpenAiError refusal(EmbeddingSpec spec, EmbeddingsRequest request) {
    for (String chatOnly : CHAT_ONLY_ARGUMENTS) {
      if (request.body().containsKey(chatOnly)) {
        // As OpenAI answers it: strict providers refuse what the endpoint does not know.
        return OpenAiError.invalidRequest(
            "unrecognized_argument", "Unrecognized request argument supplied: " + chatOnly, chatOnly);
      }
    }
    if (request.inputs() > spec.maxInputs()) {
      return OpenAiError.invalidRequest(
          "batch_too_large",
          "batch size is invalid: " + request.inputs() + " inputs, this model takes at most " + spec.maxInputs() + ".",
          "input");
    }
    Integer dimensions = request.body().getInteger("dimensions");
    if (dimensions != null && !spec.allows(dimensions)) {
      return OpenAiError.invalidRequest(
          "invalid_dimensions",
          "dimensions " + dimensions + " is not supported; this model gives " + spec.dimensions()
              + (spec.allowedDimensions().isEmpty() ? "" : " or one of " + spec.allowedDimensions()) + ".",
          "dimensions");
    }
    return null;
  }

  /** One entry per vector: a string input, a token-id array input, or the entries of an array of either. */
  private static JsonArray inputsOf(Object input) {
    if (input instanceof JsonArray array && !array.isEmpty() && !(array.getValue(0) instanceof Number)) {
      return array;
    }
    return new JsonArray().add(input);
  }
}
