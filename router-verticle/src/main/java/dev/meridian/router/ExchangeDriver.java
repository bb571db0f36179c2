package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.cost.CostCalculator;
import dev.meridian.core.failover.AttemptOutcome;
import dev.meridian.core.failover.FailoverCommand;
import dev.meridian.core.failover.FailoverMachine;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.routing.Candidate;
import dev.meridian.core.routing.Deadlines;
import dev.meridian.core.routing.RetryBudget;
import dev.meridian.core.routing.RoutePlan;
import dev.meridian.router.surface.Surface;
import dev.meridian.router.trace.ExchangeTrace;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one client request through its candidate endpoints: feeds the {@link FailoverMachine} the
 * events of the upstream attempts, the timers and the client, and carries out the commands it answers
 * with. Every decision is the machine's; this class does the I/O, the timers and the accounting. Runs
 * entirely on the event loop that received the request, so its fields need no synchronisation.
 */
final class ExchangeDriver {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangeDriver.class);
  /** Dollars this request cost: a header on JSON responses, a trailer on streams. */
  static final String COST_HEADER = "x-meridian-cost-usd";
  static final String PROMPT_TOKENS_HEADER = "x-meridian-prompt-tokens";
  static final String COMPLETION_TOKENS_HEADER = "x-meridian-completion-tokens";
  /** {@code provider} when the provider reported usage, {@code estimated} when Meridian counted. */
  static final String USAGE_SOURCE_HEADER = "x-meridian-usage-source";
  private static final CharSequence COST_NAME = HeaderNames.of(COST_HEADER);
  private static final CharSequence PROMPT_TOKENS_NAME = HeaderNames.of(PROMPT_TOKENS_HEADER);
  private static final CharSequence COMPLETION_TOKENS_NAME = HeaderNames.of(COMPLETION_TOKENS_HEADER);
  private static final CharSequence USAGE_SOURCE_NAME = HeaderNames.of(USAGE_SOURCE_HEADER);

  /** Per-request collaborators that do not change between requests. */
  record Context(
      Vertx vertx,
      RouterOptions options,
      UpstreamClient upstream,
      ResilienceState resilience,
      RetryBudget retryBudget,
      java.util.function.Supplier<SecretRedactor> redactor,
      ExchangeListener listener,
      Function<Endpoint, EndpointHealth> localHealth) {}

  /** The request as the pipeline hands it over. */
  record Request(
      ChatRequest chat,
      Surface surface,
      Surface.Answer answer,
      RoutePlan plan,
      Deadlines deadlines,
      boolean hedge,
      String requestId,
      long startedNanos,
      long promptTokensEstimate,
      String keyName,
      ExchangeTrace trace) {}

  final Context ctx;
  final Request request;
  final HttpServerResponse response;
  final SecretRedactor redactor;
  private final Vertx vertx;
  private final FailoverMachine<Candidate> machine;
  private final List<UpstreamAttempt> attempts = new ArrayList<>(2);
  /** Told what happened once the exchange ends (the drain gate, the client's usage). */
  private final Consumer<ExchangeRecord> onFinish;

  private boolean finished;
  private long firstByteNanos = -1;
  private long overheadNanos = -1;
  private long deadlineTimer = -1;
  private long hedgeTimer = -1;
  private Usage usage = Usage.NONE;
  private double costDollars;
  private String outcome;
  private int status;

  ExchangeDriver(Context ctx, HttpServerResponse response, Request request, Consumer<ExchangeRecord> onFinish) {
    this.ctx = ctx;
    this.vertx = ctx.vertx();
    this.response = response;
    this.request = request;
    this.onFinish = onFinish;
    this.redactor = ctx.redactor().get();
    Deadlines deadlines = request.deadlines();
    this.machine =
        new FailoverMachine<>(
            request.plan().candidates(),
            new FailoverMachine.Options(request.chat().model(), ctx.options().getMaxAttempts(), request.hedge(),
                deadlines.firstTokenMs(), deadlines.requestMs()),
            this::admit,
            () -> ctx.retryBudget().tryRetry(System.currentTimeMillis()),
            candidate -> candidate.endpoint().id());
  }

  void start() {
    ctx.retryBudget().onRequest(System.currentTimeMillis());
    deadlineTimer = vertx.setTimer(request.deadlines().requestMs(), id -> run(machine.onDeadline()));
    response.closeHandler(v -> run(machine.onClientGone()));
    if (response.closed()) {
      // Gone before the handler was set, which then may never fire: end now, not at the deadline.
      run(machine.onClientGone());
      return;
    }
    run(machine.start());
  }

  /** A 429 or a breaker on this node or a peer may have blocked the endpoint since the route was chosen. */
  private Object admit(Candidate candidate) {
    Endpoint endpoint = candidate.endpoint();
    if (ctx.resilience().blocklist().isBlocked(endpoint.id(), System.currentTimeMillis())) {
      return null;
    }
    return ctx.resilience().breaker(endpoint).admit();
  }

  // Events from the attempts.

  void answered(UpstreamAttempt attempt, AttemptOutcome outcome) {
    run(machine.onAnswer(attempt.handle, outcome));
  }

  void failed(UpstreamAttempt attempt, AttemptOutcome outcome, String detail, long blockMs) {
    // The machine's Settle ends the attempt's span with this outcome.
    LOG.debug("request {} attempt on {} failed: {}", request.requestId(), attempt.endpoint, detail);
    run(machine.onFailed(attempt.handle, outcome, detail, blockMs));
  }

  void streamBroke(UpstreamAttempt attempt, String message) {
    LOG.debug("request {}: {}", request.requestId(), message);
    attempt.trace.endIfOpen("stream_broken");
    run(machine.onStreamBroken(attempt.handle, message));
  }

  /** The winner relayed its whole answer; {@code used} is what it cost. */
  void completed(UpstreamAttempt attempt, Usage used, int clientStatus, String how) {
    account(attempt.endpoint, used);
    attempt.trace.completed(used, costDollars, attempt.endpoint.model().upstreamId());
    run(machine.onCompleted(attempt.handle));
    finish(clientStatus, how);
  }

  /**
   * The winner's stream carried an error event and then ended: billed for what was streamed, counted
   * as a broken stream (metrics, and a late failure on its breaker); the client's stream is already over.
   */
  void streamEndedInError(UpstreamAttempt attempt, Usage used) {
    account(attempt.endpoint, used);
    attempt.trace.endIfOpen("stream_error_event");
    run(machine.onStreamBroken(attempt.handle, "the provider's stream carried an error event"));
  }

  void firstUpstreamRequestSent() {
    if (overheadNanos < 0) {
      overheadNanos = System.nanoTime() - request.startedNanos();
    }
  }

  boolean isWinner(UpstreamAttempt attempt) {
    return machine.winner() == attempt.handle;
  }

  boolean finished() {
    return finished;
  }

  /** Carries out the machine's commands, in order. */
  private void run(List<FailoverCommand> commands) {
    for (FailoverCommand command : commands) {
      if (command instanceof FailoverCommand.Start start) {
        UpstreamAttempt attempt = new UpstreamAttempt(this, start.attempt());
        attempts.add(attempt);
        attempt.launch();
      } else if (command instanceof FailoverCommand.Cancel cancel) {
        UpstreamAttempt attempt = attemptOf(cancel.attempt());
        if (attempt != null) {
          attempt.abandon();
        }
      } else if (command instanceof FailoverCommand.Settle settle) {
        EndpointBreaker.settle(settle.attempt().ticket(), settle.outcome().breaker());
        UpstreamAttempt settled = attemptOf(settle.attempt());
        if (settled != null) {
          settled.trace.settled(settle.outcome());
        }
      } else if (command instanceof FailoverCommand.LateFailure late) {
        ctx.resilience().breaker(late.attempt().<Candidate>endpoint().endpoint()).recordLateFailure();
      } else if (command instanceof FailoverCommand.Commit commit) {
        commit(attemptOf(commit.attempt()));
      } else if (command instanceof FailoverCommand.ArmHedge) {
        Endpoint primary = request.plan().primary().endpoint();
        hedgeTimer = vertx.setTimer(Math.max(1, hedgeDelayMs(primary)), id -> {
          hedgeTimer = -1;
          run(machine.onHedgeTimer());
        });
      } else if (command instanceof FailoverCommand.Fail fail) {
        if (fail.retryAfterSeconds() >= 0) {
          response.putHeader("retry-after", Long.toString(fail.retryAfterSeconds()));
        }
        RouteHeaders.apply(response, servingEndpoint(), machine.attempts(), request.plan().reason(), request.requestId());
        ErrorResponder.send(response, fail.error(), request.surface().errorBody(fail.error()));
        finish(fail.error().status(), fail.outcome());
      } else if (command instanceof FailoverCommand.EndStream end) {
        if (!response.ended() && !response.closed()) {
          response.end(request.answer().streamError(end.error()));
        }
        finish(200, end.outcome());
      } else if (command instanceof FailoverCommand.Abandon) {
        LOG.debug("request {}: client went away, upstream request cancelled", request.requestId());
        finish(machine.winner() != null ? 200 : 499, "client_gone");
      }
    }
  }

  private UpstreamAttempt attemptOf(FailoverMachine.Attempt handle) {
    for (UpstreamAttempt attempt : attempts) {
      if (attempt.handle == handle) {
        return attempt;
      }
    }
    return null;
  }

  private void commit(UpstreamAttempt attempt) {
    if (hedgeTimer >= 0) {
      vertx.cancelTimer(hedgeTimer);
      hedgeTimer = -1;
    }
    firstByteNanos = System.nanoTime() - request.startedNanos();
    request.trace().firstByteSent();
    if (machine.hedged()) {
      response.putHeader("x-meridian-hedge", attempt.handle.hedge() ? "hedge_won" : "primary_won");
    }
    RouteHeaders.apply(response, attempt.endpoint, machine.attempts(), request.plan().reason(), request.requestId());
  }

  /** Records what the serving endpoint used and what it cost. */
  private void account(Endpoint endpoint, Usage used) {
    usage = used;
    costDollars = CostCalculator.dollars(endpoint.model(), used);
  }

  void putCostHeaders(MultiMap headers, Usage used, Endpoint endpoint) {
    account(endpoint, used);
    headers.set(COST_NAME, FixedDecimal.eightPlaces(costDollars));
    headers.set(PROMPT_TOKENS_NAME, Long.toString(usage.promptTokens()));
    headers.set(COMPLETION_TOKENS_NAME, Long.toString(usage.completionTokens()));
    headers.set(USAGE_SOURCE_NAME, usage.estimated() ? "estimated" : "provider");
  }

  /** The primary's p95 TTFT as this region observed it; the nominal TTFT doubled when unobserved. */
  private long hedgeDelayMs(Endpoint endpoint) {
    EndpointHealth health = ctx.localHealth().apply(endpoint);
    double p95 = health == null ? Double.NaN : health.ttftPercentileMs(0.95);
    return Math.round(Double.isFinite(p95) ? p95 : endpoint.model().nominalTtftMs() * 2);
  }

  private Endpoint servingEndpoint() {
    Candidate serving = machine.servingEndpoint();
    return serving == null ? null : serving.endpoint();
  }

  long remainingMs() {
    return request.deadlines().requestMs() - (System.nanoTime() - request.startedNanos()) / 1_000_000;
  }

  int attemptsStarted() {
    return machine.attempts();
  }

  private void finish(int clientStatus, String how) {
    if (finished) {
      return;
    }
    finished = true;
    status = clientStatus;
    outcome = how;
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
    if (hedgeTimer >= 0) {
      vertx.cancelTimer(hedgeTimer);
      hedgeTimer = -1;
    }
    for (UpstreamAttempt attempt : attempts) {
      attempt.cancelTimers();
      // Still open: the winner of an exchange that ended otherwise (client gone, deadline).
      attempt.trace.endIfOpen(how);
    }
    List<ExchangeRecord.AttemptFailure> failures = new ArrayList<>(machine.failures().size());
    for (FailoverMachine.Failure<Candidate> failure : machine.failures()) {
      failures.add(new ExchangeRecord.AttemptFailure(failure.endpoint().endpoint(), failure.outcome().errorKind()));
    }
    FailoverMachine.Attempt winner = machine.winner();
    String hedge = !machine.hedged() ? "none" : winner != null && winner.hedge() ? "hedge_won" : "primary_won";
    ExchangeRecord record =
        new ExchangeRecord(
            request.surface().api(), request.chat().model(), servingEndpoint(), machine.attempts(), status, request.chat().stream(),
            outcome, machine.servedByFallback(), hedge, machine.retriesDenied(), List.copyOf(failures), usage,
            costDollars, firstByteNanos, overheadNanos, System.nanoTime() - request.startedNanos(),
            request.requestId(), request.keyName(), request.plan().reason(), request.trace().traceId(),
            request.trace().spanId());
    request.trace().end(record);
    onFinish.accept(record);
    try {
      ctx.listener().onExchange(record);
    } catch (RuntimeException e) {
      LOG.warn("exchange listener failed", e);
    }
  }
}
