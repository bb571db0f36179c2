package dev.meridian.router;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics} in the format the scraper asks for: OpenMetrics when its {@code Accept} names
 * {@code application/openmetrics-text} (Prometheus does by default), the only format that carries
 * exemplars, else the Prometheus text format.
 */
final class MetricsHandler implements Handler<RoutingContext> {
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  MetricsHandler(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String accept = ctx.request().getHeader("accept");
    boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
    String contentType = openMetrics ? OPENMETRICS : PROMETHEUS_TEXT;
    ctx.response().putHeader("content-type", contentType).end(registry.scrape(contentType));
  }
}
