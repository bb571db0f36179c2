package dev.meridian.core.openai;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * An error as OpenAI clients expect it: an HTTP status and {@code {"error":{"message","type","code"}}}.
 * Every failure Meridian reports goes through one of these factories, so statuses and codes stay
 * consistent and messages never carry upstream secrets.
 */
public record OpenAiError(int status, String type, String code, String message, String param) {
  public static final String INVALID_REQUEST = "invalid_request_error";
  public static final String SERVER_ERROR = "server_error";
  public static final String RATE_LIMIT = "rate_limit_error";
  public static final String AUTHENTICATION = "authentication_error";
  public static final String PERMISSION = "permission_error";

  public OpenAiError {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
  }

  public static OpenAiError invalidRequest(String code, String message, String param) {
    return new OpenAiError(400, INVALID_REQUEST, code, message, param);
  }

  /** 401: no key, or a key nobody configured. The message never echoes what was presented. */
  public static OpenAiError unauthenticated(String code, String message) {
    return new OpenAiError(401, AUTHENTICATION, code, message, null);
  }

  /** 403: a known key asking for something it is not allowed. */
  public static OpenAiError permissionDenied(String code, String message) {
    return new OpenAiError(403, PERMISSION, code, message, "model");
  }

  public static OpenAiError invalidJson(String detail) {
    return invalidRequest(
        "invalid_json", "We could not parse the JSON body of your request: " + detail, null);
  }

  public static OpenAiError modelNotFound(String model) {
    return new OpenAiError(
        404,
        INVALID_REQUEST,
        "model_not_found",
        "The model '" + model + "' does not exist here. GET /v1/models lists the models, tiers "
            + "(ultra-budget, budget, mid-range, premium) and 'auto'.",
        "model");
  }

  public static OpenAiError requestTooLarge(long limitBytes) {
    return new OpenAiError(
        413,
        INVALID_REQUEST,
        "request_too_large",
        "The request body exceeds the limit of " + limitBytes + " bytes.",
        null);
  }

  public static OpenAiError noHealthyEndpoint(String model) {
    return new OpenAiError(
        503,
        SERVER_ERROR,
        "no_healthy_endpoint",
        "No healthy endpoint currently serves '" + model + "'. Retry later or choose another model.",
        "model");
  }

  public static OpenAiError allRateLimited(String model, long retryAfterSeconds) {
    return new OpenAiError(
        429,
        RATE_LIMIT,
        "upstream_rate_limited",
        "Every endpoint for '" + model + "' is rate limiting. Retry after " + retryAfterSeconds + " s.",
        null);
  }

  /**
   * 429: the client key already has as many requests in flight as it may (on this router). The
   * {@code param} names the limit, as the other limit refusals do ({@code requests}, {@code tokens}).
   */
  public static OpenAiError concurrencyLimited(String keyName, int limit) {
    return new OpenAiError(
        429,
        RATE_LIMIT,
        "concurrency_limit_exceeded",
        "API key '" + keyName + "' already has " + limit + " request" + (limit == 1 ? "" : "s")
            + " in flight, its limit of concurrent requests. Retry when one has finished.",
        "concurrency");
  }

  public static OpenAiError upstreamFailed(String model, int attempts, String lastFailure) {
    return new OpenAiError(
        502,
        SERVER_ERROR,
        "upstream_error",
        "Every endpoint tried for '" + model + "' failed (" + attempts + " attempt"
            + (attempts == 1 ? "" : "s") + "; last: " + lastFailure + ").",
        null);
  }

  public static OpenAiError upstreamTimeout(String model, long timeoutMs) {
    return new OpenAiError(
        504,
        SERVER_ERROR,
        "upstream_timeout",
        "No endpoint for '" + model + "' answered within " + timeoutMs + " ms.",
        null);
  }

  public static OpenAiError notFound(String path) {
    return new OpenAiError(
        404, INVALID_REQUEST, "unknown_url", "Unknown request URL: " + path + ".", null);
  }

  /** 404 with {@code advice}: what the server does serve, or how to fix the client's base URL. */
  public static OpenAiError notFound(String path, String advice) {
    return new OpenAiError(
        404, INVALID_REQUEST, "unknown_url", "Unknown request URL: " + path + ". " + advice, null);
  }

  public static OpenAiError methodNotAllowed(String method, String path) {
    return new OpenAiError(
        405,
        INVALID_REQUEST,
        "method_not_allowed",
        "Method " + method + " is not allowed on " + path + ".",
        null);
  }

  public static OpenAiError unsupportedMediaType(String contentType) {
    return new OpenAiError(
        415,
        INVALID_REQUEST,
        "unsupported_media_type",
        "Expected Content-Type application/json, got '" + contentType + "'.",
        null);
  }

  public static OpenAiError internal() {
    return new OpenAiError(
        500, SERVER_ERROR, "internal_error", "The router failed to handle the request.", null);
  }

  public JsonObject toJson() {
    JsonObject error =
        new JsonObject().put("message", message).put("type", type).put("code", code);
    error.put("param", param);
    return new JsonObject().put("error", error);
  }

  public OpenAiException asException() {
    return new OpenAiException(this);
  }
}
