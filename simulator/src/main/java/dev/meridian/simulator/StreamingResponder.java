package dev.meridian.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Streams one completion as server-sent events in the endpoint's {@link Dialect}: the first round at the
 * first-byte delay, then one round per token interval, where a round is one chunk per choice still
 * generating (so {@code n} choices interleave, each chunk naming its choice's index); a choice's finish
 * chunk follows its last step at once; then the usage event when the dialect sends one, and
 * {@code [DONE]}.
 *
 * <p>Pacing is computed from the elapsed time since the first round, not by counting timer ticks, so
 * timer lateness does not accumulate; when rounds are due faster than the 1 ms timer resolution, all due
 * rounds go out in one write. A full write queue pauses the stream until it drains (the elapsed-time
 * pacing then catches up). Stall, reset-after-chunks and error-after-chunks faults cut the stream after
 * their count of rounds.
 */
final class StreamingResponder {
  private static final double DUE_TOLERANCE_MS = 0.5;
  static final String STREAM_ERROR_MESSAGE = "The simulated model failed while generating (injected fault).";

  private final Exchange exchange;
  private final CompletionPlan plan;
  private final Dialect dialect;
  private final double firstByteDelayMs;
  private final double tokenIntervalMs;
  private final int rounds;
  /** Rounds sent before a fault cuts the stream, or MAX_VALUE when none does. */
  private final int cut;
  /** The fault that cuts it: STALL, RESET_AFTER_CHUNKS, ERROR_EVENT or null. */
  private final FaultKind cutBy;
  /** The index of the choice whose finish chunk is the stream's last (it carries usage in some dialects). */
  private final int lastToFinish;

  private long firstTokenNanos;
  private int sent;
  private int seq;

  StreamingResponder(
      Exchange exchange,
      CompletionPlan plan,
      Dialect dialect,
      double firstByteDelayMs,
      double tokenIntervalMs,
      FaultSpec fault) {
    this.exchange = exchange;
    this.plan = plan;
    this.dialect = dialect;
    this.firstByteDelayMs = firstByteDelayMs;
    this.tokenIntervalMs = tokenIntervalMs;
    this.rounds = plan.rounds();
    // A count beyond the answer's length cuts just before the finish chunk: the client never sees an end.
    int stallAt = at(fault.stallAfterChunks());
    int resetAt = at(fault.resetAfterChunks());
    int errorAt = at(fault.errorAfterChunks());
    this.cut = Math.min(stallAt, Math.min(resetAt, errorAt));
    this.cutBy = cut == Integer.MAX_VALUE ? null
        : resetAt == cut ? FaultKind.RESET_AFTER_CHUNKS
        : errorAt == cut ? FaultKind.ERROR_EVENT
        : FaultKind.STALL;
    int last = 0;
    for (ChoicePlan choice : plan.choices()) {
      if (choice.steps() == rounds) {
        last = choice.index();
      }
    }
    this.lastToFinish = last;
  }

  private int at(int faultCount) {
    return faultCount == FaultSpec.OFF ? Integer.MAX_VALUE : Math.min(faultCount, rounds);
  }

  void start() {
    exchange.schedule(firstByteDelayMs, this::firstToken);
  }

  private void firstToken() {
    exchange
        .response()
        .setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    firstTokenNanos = System.nanoTime();
    emitDue();
  }

  private void emitDue() {
    if (!exchange.active()) {
      return;
    }
    HttpServerResponse response = exchange.response();
    int due = Math.min(Math.min(dueRounds(), rounds), cut);
    Buffer out = Buffer.buffer(Math.max(64, (due - sent) * plan.choices().size() * 200));
    while (sent < due) {
      appendRound(out, sent++);
    }

    if (sent == cut && cutBy == FaultKind.RESET_AFTER_CHUNKS) {
      exchange.stats().recordFault(FaultKind.RESET_AFTER_CHUNKS);
      // Close only once the chunks are on the wire, so the client sees exactly N of them.
      exchange.write(out).onComplete(done -> exchange.abort());
    } else if (sent == cut && cutBy == FaultKind.ERROR_EVENT) {
      exchange.stats().recordFault(FaultKind.ERROR_EVENT);
      out.appendString(dialect.errorEvent(STREAM_ERROR_MESSAGE, seq++));
      exchange.end(out);
    } else if (sent == cut) {
      exchange.stats().recordFault(FaultKind.STALL);
      exchange.write(out);
      exchange.stall();
    } else if (sent == rounds) {
      appendEnd(out);
      exchange.complete(out);
    } else {
      exchange.write(out);
      if (response.writeQueueFull()) {
        response.drainHandler(v -> scheduleNext());
      } else {
        scheduleNext();
      }
    }
  }

  private int dueRounds() {
    if (tokenIntervalMs <= 0) {
      return Integer.MAX_VALUE;
    }
    // Rounds due within half a millisecond count as due: timers are rounded to whole ms, and this
    // keeps a sub-millisecond remainder from spinning through the event loop.
    double elapsedMs = (System.nanoTime() - firstTokenNanos) / 1_000_000.0 + DUE_TOLERANCE_MS;
    return (int) Math.min(Integer.MAX_VALUE, 1 + Math.floor(elapsedMs / tokenIntervalMs));
  }

  private void scheduleNext() {
    double nextDueMs = sent * tokenIntervalMs;
    double elapsedMs = (System.nanoTime() - firstTokenNanos) / 1_000_000.0;
    exchange.schedule(Math.max(0, nextDueMs - elapsedMs), this::emitDue);
  }


  private void appendRound(Buffer out, int round) {
    out.appendString(dialect.beforeRound(round));
    for (ChoicePlan choice : plan.choices()) {
      if (round >= choice.steps()) {
        continue;
      }
      appendEvent(out, dialect.chunk(plan, choice.streamChoice(round), seq));
      // A choice's finish follows its last step, unless a fault cuts the stream right there.
      if (round == choice.steps() - 1 && round + 1 < cut) {
        JsonObject finish = dialect.chunk(plan, choice.finishChoice(), seq);
        if (round == rounds - 1 && choice.index() == lastToFinish
            && dialect.usageOnFinalChunk() && dialect.sendsUsage(plan)) {
          finish.put("usage", dialect.usage(plan));
        }
        appendEvent(out, finish);
      }
    }
  }

  private void appendEvent(Buffer out, JsonObject data) {
    out.appendString(dialect.event(data, seq++));
  }

  private void appendEnd(Buffer out) {
    if (dialect.sendsUsage(plan) && !dialect.usageOnFinalChunk()) {
      appendEvent(out, dialect.usageChunk(plan, seq));
    }
    out.appendString(dialect.done());
  }
}
