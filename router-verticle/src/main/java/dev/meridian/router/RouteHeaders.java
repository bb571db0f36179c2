package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Diagnostic headers on every response: which route served it and how many endpoints were tried. */
final class RouteHeaders {
  private RouteHeaders() {}

  static void apply(
      HttpServerResponse response, Endpoint endpoint, int attempts, String reason, String requestId) {
    response.putHeader(HeaderNames.of(MeridianHeaders.REQUEST_ID), requestId);
    response.putHeader(HeaderNames.of(MeridianHeaders.ATTEMPTS), Integer.toString(attempts));
    if (reason != null) {
      response.putHeader(HeaderNames.of(MeridianHeaders.ROUTE_REASON), reason);
    }
    if (endpoint != null) {
      response.putHeader(HeaderNames.of(MeridianHeaders.ROUTE_MODEL), endpoint.model().id());
      response.putHeader(HeaderNames.of(MeridianHeaders.ROUTE_PROVIDER), endpoint.provider().id());
      response.putHeader(HeaderNames.of(MeridianHeaders.ROUTE_REGION), endpoint.region());
    }
  }
}
