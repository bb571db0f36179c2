package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Diagnostic headers on every response: which route served it and how many endpoints were tried. */
final class RouteHeaders {
  static final CharSequence REQUEST_ID = HeaderNames.of(MeridianHeaders.REQUEST_ID);
  static final CharSequence TRACE_ID = HeaderNames.of(MeridianHeaders.TRACE_ID);
  private static final CharSequence ATTEMPTS = HeaderNames.of(MeridianHeaders.ATTEMPTS);
  private static final CharSequence ROUTE_REASON = HeaderNames.of(MeridianHeaders.ROUTE_REASON);
  private static final CharSequence ROUTE_MODEL = HeaderNames.of(MeridianHeaders.ROUTE_MODEL);
  private static final CharSequence ROUTE_PROVIDER = HeaderNames.of(MeridianHeaders.ROUTE_PROVIDER);
  private static final CharSequence ROUTE_REGION = HeaderNames.of(MeridianHeaders.ROUTE_REGION);

  private RouteHeaders() {}

  static void apply(
      HttpServerResponse response, Endpoint endpoint, int attempts, String reason, String requestId) {
    response.putHeader(REQUEST_ID, requestId);
    response.putHeader(ATTEMPTS, Integer.toString(attempts));
    if (reason != null) {
      response.putHeader(ROUTE_REASON, reason);
    }
    if (endpoint != null) {
      response.putHeader(ROUTE_MODEL, endpoint.model().id());
      response.putHeader(ROUTE_PROVIDER, endpoint.provider().id());
      response.putHeader(ROUTE_REGION, endpoint.region());
    }
  }
}
