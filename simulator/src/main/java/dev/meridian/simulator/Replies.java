package dev.meridian.simulator;

import dev.meridian.core.openai.OpenAiError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Immediate JSON answers shared by the provider and admin APIs. */
final class Replies {
  static final String JSON = "application/json";

  private Replies() {}

  static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("content-type", JSON).end(body.toBuffer());
  }

  static void error(HttpServerResponse response, OpenAiError error) {
    json(response, error.status(), error.toJson());
  }

  /** An error an upstream provider would answer, with the OpenAI type matching its status. */
  static OpenAiError injected(int status, String endpointId) {
    String type =
        status == 429 ? OpenAiError.RATE_LIMIT
            : status >= 500 ? OpenAiError.SERVER_ERROR
            : OpenAiError.INVALID_REQUEST;
    return new OpenAiError(
        status, type, "simulated_error", "Simulated failure of " + endpointId + ".", null);
  }

  static OpenAiError rateLimited(String endpointId, int retryAfterSeconds) {
    return new OpenAiError(
        429,
        OpenAiError.RATE_LIMIT,
        "rate_limit_exceeded",
        "Rate limit reached for " + endpointId + " (simulated). Retry after " + retryAfterSeconds
            + " s.",
        null);
  }

  static OpenAiError unauthorized() {
    return new OpenAiError(
        401,
        OpenAiError.INVALID_REQUEST,
        "invalid_api_key",
        "Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.",
        null);
  }

  static OpenAiError unknownProvider(String region, String provider) {
    return new OpenAiError(
        404,
        OpenAiError.INVALID_REQUEST,
        "unknown_url",
        "No simulated provider '" + provider + "' in region '" + region + "'.",
        null);
  }

  static OpenAiError unknownModel(String model, String region, String provider) {
    return new OpenAiError(
        404,
        OpenAiError.INVALID_REQUEST,
        "model_not_found",
        "The model '" + model + "' is not served by '" + provider + "' in region '" + region + "'.",
        "model");
  }

  static OpenAiError unknownEndpoint(String model, String region) {
    return new OpenAiError(
        404,
        OpenAiError.INVALID_REQUEST,
        "endpoint_not_found",
        "No simulated endpoint '" + model + "@" + region + "' in the catalog.",
        null);
  }
}
