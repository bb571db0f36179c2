package dev.meridian.router;

import dev.meridian.core.health.HealthState;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.routing.Deadlines;
import dev.meridian.core.routing.RequestProfile;
import dev.meridian.core.routing.RoutingPreferences;
import dev.meridian.core.routing.RoutePlan;
import dev.meridian.core.routing.RoutingRules;
import io.vertx.core.Handler;
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

  /** Request header that turns hedging on ({@code true}) or off ({@code false}) for one request. */
  static final String HEDGE_HEADER = "x-meridian-hedge";

  private final RouterOptions options;
  private final RoutingRules rules;
  private final HealthState health;
  private final ResilienceState resilience;
  private final ProxyExchange.Context exchangeContext;
  private final Deadlines configuredDeadlines;
  private final RequestGate gate;
  private final LongSupplier wallClockMs;

  ChatCompletionsHandler(
      RouterOptions options,
      RoutingRules rules,
      HealthState health,
      ResilienceState resilience,
      ProxyExchange.Context exchangeContext,
      RequestGate gate,
      LongSupplier wallClockMs) {
    this.gate = gate;
    this.options = options;
    this.rules = rules;
    this.health = health;
    this.resilience = resilience;
    this.exchangeContext = exchangeContext;
    this.configuredDeadlines =
        new Deadlines(options.getRequestTimeoutMs(), options.getFirstTokenTimeoutMs(), options.getIdleTimeoutMs());
    this.wallClockMs = wallClockMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long startedNanos = System.nanoTime();
    String requestId = requestId(ctx.request().getHeader(MeridianHeaders.REQUEST_ID));
    ctx.response().putHeader(MeridianHeaders.REQUEST_ID, requestId);
    ChatRequest request = ChatRequestParser.parse(ctx.body().asString());
    Deadlines deadlines = Deadlines.fromHeaders(ctx.request()::getHeader, configuredDeadlines);
    String hedgeHeader = ctx.request().getHeader(HEDGE_HEADER);
    boolean hedge =
        hedgeHeader == null ? resilience.options().isHedgeByDefault() : Boolean.parseBoolean(hedgeHeader.trim());
    RoutingPreferences preferences = RoutingPreferences.fromHeaders(ctx.request()::getHeader);
    RequestProfile profile = RequestProfile.of(request);
    RoutePlan plan =
        rules.current().selector().select(
            request.model(),
            options.getRegion(),
            health.current(),
            resilience.blocklist(),
            wallClockMs.getAsLong(),
            profile,
            preferences);
    if (!gate.tryEnter()) {
      ctx.response().putHeader("retry-after", "1");
      throw new dev.meridian.core.openai.OpenAiError(
              503, dev.meridian.core.openai.OpenAiError.SERVER_ERROR, "shutting_down",
              "This router is shutting down; retry and the load balancer will pick another.", null)
          .asException();
    }
    new ProxyExchange(exchangeContext, ctx.response(), request, plan, deadlines, hedge, requestId, startedNanos,
            profile.estimatedPromptTokens(), gate::leave)
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
