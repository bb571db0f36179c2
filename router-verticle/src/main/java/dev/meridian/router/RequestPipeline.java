package dev.meridian.router;

import dev.meridian.core.catalog.ModelKind;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import dev.meridian.core.routing.Deadlines;
import dev.meridian.core.routing.RequestProfile;
import dev.meridian.core.routing.PrefixAffinity;
import dev.meridian.core.routing.PromptPrefix;
import dev.meridian.core.routing.RoutePlan;
import dev.meridian.core.routing.RouteSelector;
import dev.meridian.core.routing.RoutingPreferences;
import dev.meridian.core.routing.RoutingRules;
import dev.meridian.core.tenancy.Admission;
import dev.meridian.core.tenancy.ClientKey;
import dev.meridian.router.surface.Surface;
import dev.meridian.router.trace.ExchangeTrace;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The one request pipeline every surface shares, once the body is in ({@link SurfaceRoute} reads it):
 * parse (the surface's adapter), the key's rules, the drain gate, select a route from the local health
 * snapshot (never a cluster call), admit against the key's limits, then hand the request to an {@link
 * ExchangeDriver}; account when it ends. Refusals for the router's own reasons come before the key's
 * quota is counted, or give it back.
 */
final class RequestPipeline {
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** Request header that turns hedging on ({@code true}) or off ({@code false}) for one request. */
  static final String HEDGE_HEADER = "x-meridian-hedge";
  /** Response header: {@code kept} or {@code moved} when prompt-cache affinity applied to the route. */
  static final String AFFINITY_HEADER = "x-meridian-affinity";

  private final RouterOptions options;
  private final RoutingRules rules;
  private final HealthState health;
  private final ResilienceState resilience;
  private final ExchangeDriver.Context exchangeContext;
  private final Deadlines configuredDeadlines;
  private final RequestGate gate;
  private final LongSupplier wallClockMs;
  private final AccessControl access;
  private final TenancyMetrics tenancyMetrics;

  RequestPipeline(
      AccessControl access,
      TenancyMetrics tenancyMetrics,
      RouterOptions options,
      RoutingRules rules,
      HealthState health,
      ResilienceState resilience,
      ExchangeDriver.Context exchangeContext,
      RequestGate gate,
      LongSupplier wallClockMs) {
    this.access = access;
    this.tenancyMetrics = tenancyMetrics;
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

  /** A refusal by the client key's own limits: not an outcome the availability SLO counts. */
  static final class ClientLimited extends RuntimeException {
    private final OpenAiException refusal;

    ClientLimited(OpenAiException refusal) {
      super(refusal.getMessage(), null, false, false);
      this.refusal = refusal;
    }

    OpenAiException refusal() {
      return refusal;
    }
  }

  /**
   * Serves one request whose body has been read.
   *
   * @param client the authenticated key, null on an open router
   * @param trace the request's trace, started when it arrived
   * @throws OpenAiException when the request is refused before any upstream is tried
   * @throws ClientLimited when the key's own limits refuse it
   */
  void serve(Surface surface, HttpServerRequest http, Buffer body, ClientKey client, ExchangeTrace trace) {
    long startedNanos = System.nanoTime();
    String requestId = requestId(http.getHeader(MeridianHeaders.REQUEST_ID));
    trace.identify(requestId, client == null ? null : client.name());
    io.vertx.core.http.HttpServerResponse response = http.response();
    response.putHeader(RouteHeaders.REQUEST_ID, requestId);
    Surface.Parsed parsed = surface.parse(body, http);
    ChatRequest request = parsed.chat();
    OpenAiError wrongKind = ModelKind.mismatch(rules.current().catalog(), request.model(), surface.modelKind());
    if (wrongKind != null) {
      throw wrongKind.asException();
    }
    if (client != null) {
      request = applyKeyRules(client, request, surface.modelKind());
    }
    Deadlines deadlines = Deadlines.fromHeaders(http::getHeader, configuredDeadlines);
    String hedgeHeader = http.getHeader(HEDGE_HEADER);
    boolean hedge =
        hedgeHeader == null ? resilience.options().isHedgeByDefault() : Boolean.parseBoolean(hedgeHeader.trim());
    RoutingPreferences preferences = RoutingPreferences.fromHeaders(http::getHeader).forClient(client);
    RequestProfile profile = surface.profile(new Surface.Parsed(request, parsed.wire()));
    RoutePlan plan =
        rules.current().selector().select(
            request.model(),
            options.getRegion(),
            health.current(),
            resilience.blocklist(),
            wallClockMs.getAsLong(),
            profile,
            preferences);
    PrefixAffinity.Options affinity = options.getAffinity();
    if (affinity.enabled() && plan.candidates().size() > 1) {
      PrefixAffinity.Result kept = PrefixAffinity.apply(plan, PromptPrefix.of(request.body()), affinity, preferences.objective());
      if (kept.outcome() != PrefixAffinity.Outcome.NONE) {
        plan = kept.plan();
        response.putHeader(AFFINITY_HEADER, kept.outcome().header());
      }
    }
    // The drain gate before the key's limits: a request refused for the router's own reasons must not
    // use up any of the client's quota.
    if (!gate.tryEnter()) {
      response.putHeader("retry-after", "1");
      throw new OpenAiError(
              503, OpenAiError.SERVER_ERROR, "shutting_down",
              "This router is shutting down; retry and the load balancer will pick another.", null)
          .asException();
    }
    long nowMs = wallClockMs.getAsLong();
    Leave leave = new Leave(client);
    try {
      if (client != null) {
        // Before admit: a request refused for concurrency must not use up the key's requests per minute.
        enterConcurrency(client, leave);
        admit(response, client, request, profile, nowMs);
        leave.admittedAtMs = nowMs;
      }
      ExchangeDriver.Request exchange =
          new ExchangeDriver.Request(request, surface, surface.answer(parsed, request, requestId), plan, deadlines, hedge,
              requestId, startedNanos, profile.estimatedPromptTokens(), client == null ? null : client.name(), trace);
      new ExchangeDriver(exchangeContext, response, exchange, record -> finished(leave, client, record)).start();
    } catch (RuntimeException | Error e) {
      // Refused, or the exchange may not get to finish (and if it later does, Leave makes that a no-op).
      leave.run();
      throw e;
    }
  }

  /** 429 when the key already has its limit of requests in flight on this node. */
  private void enterConcurrency(ClientKey client, Leave leave) {
    if (access.concurrency().tryAcquire(client)) {
      leave.holdsConcurrency = true;
      return;
    }
    OpenAiError refusal = OpenAiError.concurrencyLimited(client.name(), client.maxConcurrentRequests());
    tenancyMetrics.limited(client.name(), refusal.param());
    throw new ClientLimited(new OpenAiException(refusal, 1));
  }

  /**
   * Leaves the drain gate and gives back the key's concurrency slot, once: from the exchange's end (which
   * the driver reports once, client disconnects included) or from a start that threw. Both run on the
   * request's event loop, so plain fields suffice.
   */
  private final class Leave implements Runnable {
    private final ClientKey client;
    private boolean left;
    private boolean holdsConcurrency;
    /** When the key's limits admitted the request; -1 before. */
    long admittedAtMs = -1;

    Leave(ClientKey client) {
      this.client = client;
    }

    @Override
    public void run() {
      if (left) {
        return;
      }
      left = true;
      gate.leave();
      if (holdsConcurrency) {
        access.concurrency().release(client);
      }
    }
  }

  /**
   * The key's allow list and output cap: 403 for a model it may not use, 400 for too large a max_tokens.
   * An embedding has no output to cap.
   */
  private ChatRequest applyKeyRules(ClientKey client, ChatRequest request, ModelKind kind) {
    if (!client.mayRequest(request.model(), rules.current().catalog())) {
      tenancyMetrics.authFailed(RouteSelector.MODEL_NOT_ALLOWED);
      throw OpenAiError.permissionDenied(
              RouteSelector.MODEL_NOT_ALLOWED,
              "API key '" + client.name() + "' may not use '" + request.model() + "'. GET /v1/models lists what it may use.")
          .asException();
    }
    int cap = client.maxOutputTokens();
    if (cap > 0 && kind == ModelKind.CHAT) {
      if (request.maxTokens() == null) {
        return request.withMaxTokens(cap);
      }
      if (request.maxTokens() > cap) {
        throw OpenAiError.invalidRequest(
                "max_tokens_above_key_limit",
                "max_tokens is " + request.maxTokens() + "; API key '" + client.name() + "' allows at most " + cap + ".",
                "max_tokens")
            .asException();
      }
    }
    return request;
  }

  /**
   * Checks the key's limits with this node's counts (no cluster call) and always tells the client where
   * it stands in the {@code x-ratelimit-*} headers.
   */
  private void admit(
      io.vertx.core.http.HttpServerResponse response, ClientKey client, ChatRequest request, RequestProfile profile, long nowMs) {
    long estimatedTokens =
        profile.estimatedPromptTokens() + (request.maxTokens() == null ? 0 : request.maxTokens());
    Admission admission = access.limiter().admit(client, estimatedTokens, nowMs);
    for (java.util.Map.Entry<String, String> header : admission.headers().entrySet()) {
      response.putHeader(HeaderNames.of(header.getKey()), header.getValue());
    }
    if (!admission.allowed()) {
      // The client's own limit, not a provider's: an SLO must not count it (outcome client_error).
      tenancyMetrics.limited(client.name(), admission.limit());
      throw new ClientLimited(new OpenAiException(admission.refusal(), admission.retryAfterSeconds()));
    }
  }

  private void finished(Leave leave, ClientKey client, ExchangeRecord record) {
    leave.run();
    if (client == null) {
      return;
    }
    if (leave.admittedAtMs >= 0 && refusedByRouter(record)) {
      access.limiter().refund(client, leave.admittedAtMs, wallClockMs.getAsLong());
    }
    long tokens = record.usage().promptTokens() + record.usage().completionTokens();
    access.limiter().charge(client, tokens, record.costDollars(), wallClockMs.getAsLong());
    tenancyMetrics.served(client.name(), tokens, record.costDollars());
  }

  /** No provider answered: every candidate was blocked, failing, throttling or too slow. */
  static boolean refusedByRouter(ExchangeRecord record) {
    return record.status() >= 500 || "rate_limited".equals(record.outcome());
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
