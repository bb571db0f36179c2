package dev.meridian.router.trace;

import dev.meridian.core.failover.AttemptOutcome;
import dev.meridian.core.openai.Usage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.core.http.HttpClientRequest;

/**
 * The client span of one upstream attempt, and the {@code traceparent} its request carries. Ended once:
 * when the failover machine settles the attempt as failed, lost or cancelled, or when the winner's
 * answer is complete.
 */
public final class AttemptTrace {
  /** No span and nothing to send upstream. */
  public static final AttemptTrace NONE = new AttemptTrace(null, null, null, null);

  private final RequestTracing tracing;
  private final Span span;
  private final String traceparent;
  private final String tracestate;
  private final long startedNanos = System.nanoTime();
  private String outcome;
  private boolean ended;

  AttemptTrace(RequestTracing tracing, Span span) {
    this(tracing, span, null, null);
  }

  private AttemptTrace(RequestTracing tracing, Span span, String traceparent, String tracestate) {
    this.tracing = tracing;
    this.span = span;
    this.traceparent = traceparent;
    this.tracestate = tracestate;
  }

  static AttemptTrace passThrough(String traceparent, String tracestate) {
    return new AttemptTrace(null, null, traceparent, tracestate);
  }

  /** Puts this attempt's {@code traceparent} (or the client's, when Meridian does not trace) on the request. */
  public void inject(HttpClientRequest request) {
    if (span != null) {
      tracing.propagator.inject(Context.root().with(span), request, ExchangeTrace.CLIENT_HEADERS);
    } else if (traceparent != null) {
      request.putHeader(RequestTracing.TRACEPARENT, traceparent);
      if (tracestate != null) {
        request.putHeader(RequestTracing.TRACESTATE, tracestate);
      }
    }
  }

  /** The provider's HTTP status. */
  public void status(int status) {
    if (span != null && span.isRecording()) {
      span.setAttribute(GenAiAttributes.HTTP_STATUS, (long) status);
    }
  }

  /**
   * The failover machine's verdict on the attempt. An answer ({@code FIRST_BYTE}) or a relayed client
   * error leaves the span open until the answer is relayed; any other verdict ends it.
   */
  public void settled(AttemptOutcome verdict) {
    if (span == null || ended) {
      return;
    }
    if (verdict == AttemptOutcome.FIRST_BYTE || verdict == AttemptOutcome.CLIENT_ERROR) {
      outcome = verdict == AttemptOutcome.FIRST_BYTE ? "ok" : "client_error";
      if (span.isRecording()) {
        span.setAttribute(GenAiAttributes.TTFT_MS, (System.nanoTime() - startedNanos) / 1e6);
        span.addEvent("first_token");
      }
      return;
    }
    end(outcomeName(verdict), null, 0, null);
  }

  /** The winner's answer was relayed whole: its usage and cost. */
  public void completed(Usage usage, double costDollars, String responseModel) {
    end(outcome == null ? "ok" : outcome, usage, costDollars, responseModel);
  }

  /** Ends the span, if still open, with {@code how}: a broken stream, or the exchange's end. */
  public void endIfOpen(String how) {
    end(how, null, 0, null);
  }

  private void end(String how, Usage usage, double costDollars, String responseModel) {
    if (span == null || ended) {
      return;
    }
    ended = true;
    if (span.isRecording()) {
      span.setAttribute(GenAiAttributes.ATTEMPT_OUTCOME, how);
      if (responseModel != null) {
        span.setAttribute(GenAiAttributes.RESPONSE_MODEL, responseModel);
      }
      if (usage != null) {
        setUsage(span, usage, costDollars);
      }
      if (!"ok".equals(how) && !"client_error".equals(how) && !"lost_hedge".equals(how)) {
        span.setAttribute(GenAiAttributes.ERROR_TYPE, how);
        span.setStatus(StatusCode.ERROR);
      }
    }
    span.end();
  }

  static void setUsage(Span span, Usage usage, double costDollars) {
    if (usage == null || usage == Usage.NONE) {
      return;
    }
    span.setAttribute(GenAiAttributes.INPUT_TOKENS, usage.promptTokens());
    span.setAttribute(GenAiAttributes.OUTPUT_TOKENS, usage.completionTokens());
    if (usage.cachedPromptTokens() > 0) {
      span.setAttribute(GenAiAttributes.CACHED_INPUT_TOKENS, usage.cachedPromptTokens());
    }
    span.setAttribute(GenAiAttributes.USAGE_SOURCE, usage.estimated() ? "estimated" : "provider");
    span.setAttribute(GenAiAttributes.COST_USD, costDollars);
  }

  /**
   * The attempt's outcome as {@code meridian.attempt.outcome}: the upstream error kinds of
   * {@code meridian_upstream_errors_total} where it is one, else the verdict's own name.
   */
  static String outcomeName(AttemptOutcome verdict) {
    return switch (verdict) {
      case FIRST_BYTE -> "ok";
      case LOST_HEDGE -> "lost_hedge";
      case CLIENT_GONE -> "client_gone";
      case REQUEST_DEADLINE -> "request_deadline";
      default -> verdict.errorKind() != null ? verdict.errorKind() : verdict.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
