package dev.meridian.router.trace;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attribute names Meridian sets: the OpenTelemetry GenAI and HTTP semantic conventions' where
 * they have one, {@code meridian.*} for the router's own. docs/tracing.md lists each with its meaning.
 */
public final class GenAiAttributes {
  private GenAiAttributes() {}

  public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

  public static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The region of the router that served the request. */
  public static final AttributeKey<String> REGION = AttributeKey.stringKey("meridian.region");
  public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("meridian.request_id");
  /** The client key's name (never the key). */
  public static final AttributeKey<String> CLIENT_KEY = AttributeKey.stringKey("meridian.client_key");
  public static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("meridian.endpoint");
  public static final AttributeKey<String> ENDPOINT_REGION = AttributeKey.stringKey("meridian.endpoint.region");
  public static final AttributeKey<String> ROUTE_REASON = AttributeKey.stringKey("meridian.route.reason");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("meridian.outcome");
  public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("meridian.attempts");
  public static final AttributeKey<Boolean> FALLBACK = AttributeKey.booleanKey("meridian.fallback");
  public static final AttributeKey<String> HEDGE = AttributeKey.stringKey("meridian.hedge");
  public static final AttributeKey<Boolean> STREAMED = AttributeKey.booleanKey("meridian.streamed");
  public static final AttributeKey<Double> TTFT_MS = AttributeKey.doubleKey("meridian.ttft_ms");
  public static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("meridian.cost_usd");
  public static final AttributeKey<Long> CACHED_INPUT_TOKENS = AttributeKey.longKey("meridian.usage.cached_input_tokens");
  /** {@code provider} when the provider reported usage, {@code estimated} when Meridian counted. */
  public static final AttributeKey<String> USAGE_SOURCE = AttributeKey.stringKey("meridian.usage.source");
  public static final AttributeKey<Long> ATTEMPT_NUMBER = AttributeKey.longKey("meridian.attempt.number");
  /** {@code primary}, {@code retry} (same model), {@code fallback} (another model) or {@code hedge}. */
  public static final AttributeKey<String> ATTEMPT_KIND = AttributeKey.stringKey("meridian.attempt.kind");
  public static final AttributeKey<String> ATTEMPT_OUTCOME = AttributeKey.stringKey("meridian.attempt.outcome");
  /** True when the attempt called the provider's own API for the surface (Anthropic Messages), untranslated. */
  public static final AttributeKey<Boolean> NATIVE_API = AttributeKey.booleanKey("meridian.attempt.native_api");
}
