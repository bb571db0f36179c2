package dev.meridian.router;

import dev.meridian.core.health.HealthState;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.routing.RoutePlan;
import dev.meridian.core.routing.RouteSelector;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/chat/completions}: parse and validate, select a route from the local health snapshot
 * (never a cluster call), then hand the request to a {@link ProxyExchange}.
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final Vertx vertx;
  private final RouterOptions options;
  private final RouteSelector selector;
  private final HealthState health;
  private final UpstreamClient upstream;
  private final SecretRedactor redactor;
  private final ExchangeListener listener;
  private final LongSupplier wallClockMs;

  ChatCompletionsHandler(
      Vertx vertx,
      RouterOptions options,
      RouteSelector selector,
      HealthState health,
      UpstreamClient upstream,
      SecretRedactor redactor,
      ExchangeListener listener,
      LongSupplier wallClockMs) {
    this.vertx = vertx;
    this.options = options;
    this.selector = selector;
    this.health = health;
    this.upstream = upstream;
    this.redactor = redactor;
    this.listener = listener;
    this.wallClockMs = wallClockMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long startedNanos = System.nanoTime();
    String requestId = requestId(ctx.request().getHeader(MeridianHeaders.REQUEST_ID));
    ctx.response().putHeader(MeridianHeaders.REQUEST_ID, requestId);
    ChatRequest request = ChatRequestParser.parse(ctx.body().asString());
    RoutePlan plan =
        selector.select(request.model(), options.getRegion(), health.current(), wallClockMs.getAsLong());
    new ProxyExchange(
            vertx, options, upstream, redactor, listener, ctx.response(), request, plan, requestId, startedNanos)
        .start();
  }

  private static String requestId(String fromClient) {
    if (fromClient != null && CLIENT_REQUEST_ID.matcher(fromClient).matches()) {
      return fromClient;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "req_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
        + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }
}
