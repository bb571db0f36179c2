package dev.meridian.simulator;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Streams one completion as server-sent events: the first chunk at the first-byte delay, then one
 * chunk per token at the model's pace, the finish chunk, the optional usage chunk and {@code [DONE]}.
 *
 * <p>Pacing is computed from the elapsed time since the first token, not by counting timer ticks, so
 * timer lateness does not accumulate; when tokens are due faster than the 1 ms timer resolution, all
 * due chunks go out in one write. A full write queue pauses the stream until it drains (the elapsed-time
 * pacing then catches up). Stall and reset-after-chunks faults cut the stream at their chunk count.
 */
final class StreamingResponder {
  private static final double DUE_TOLERANCE_MS = 0.5;

  private final Exchange exchange;
  private final CompletionPlan plan;
  private final double firstByteDelayMs;
  private final double tokenIntervalMs;
  /** Token chunks sent before a fault cuts the stream, or MAX_VALUE when none does. */
  private final int cut;
  /** The fault that cuts it: STALL, RESET_AFTER_CHUNKS or null. */
  private final FaultKind cutBy;
  /** {@code data: {...,"choices":[{"index":0,"delta":} — everything before a chunk's delta. */
  private final String chunkPrefix;

  private long firstTokenNanos;
  private int sent;

  StreamingResponder(
      Exchange exchange,
      CompletionPlan plan,
      double firstByteDelayMs,
      double tokenIntervalMs,
      FaultSpec fault) {
    this.exchange = exchange;
    this.plan = plan;
    this.firstByteDelayMs = firstByteDelayMs;
    this.tokenIntervalMs = tokenIntervalMs;
    // A count beyond the answer's length cuts just before the finish chunk: the client never sees an end.
    int total = plan.outputTokens();
    int stallAt = fault.stallAfterChunks() == FaultSpec.OFF
        ? Integer.MAX_VALUE : Math.min(fault.stallAfterChunks(), total);
    int resetAt = fault.resetAfterChunks() == FaultSpec.OFF
        ? Integer.MAX_VALUE : Math.min(fault.resetAfterChunks(), total);
    this.cut = Math.min(stallAt, resetAt);
    this.cutBy = cut == Integer.MAX_VALUE ? null
        : resetAt <= stallAt ? FaultKind.RESET_AFTER_CHUNKS : FaultKind.STALL;
    this.chunkPrefix =
        "data: {\"id\":" + Json.encode(plan.id()) + ",\"object\":\"chat.completion.chunk\",\"created\":"
            + plan.created() + ",\"model\":" + Json.encode(plan.model())
            + ",\"choices\":[{\"index\":0,\"delta\":";
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
    int total = plan.outputTokens();
    int due = Math.min(Math.min(dueTokens(), total), cut);
    Buffer out = Buffer.buffer(Math.max(64, (due - sent) * 180));
    while (sent < due) {
      appendToken(out, sent++);
    }

    if (sent == cut && cutBy == FaultKind.RESET_AFTER_CHUNKS) {
      exchange.stats().recordFault(FaultKind.RESET_AFTER_CHUNKS);
      // Close only once the chunks are on the wire, so the client sees exactly N of them.
      write(response, out).onComplete(done -> exchange.abort());
    } else if (sent == cut) {
      exchange.stats().recordFault(FaultKind.STALL);
      write(response, out);
      exchange.stall();
    } else if (sent == total) {
      appendEnd(out);
      exchange.complete(out);
    } else {
      write(response, out);
      if (response.writeQueueFull()) {
        response.drainHandler(v -> scheduleNext());
      } else {
        scheduleNext();
      }
    }
  }

  private int dueTokens() {
    if (tokenIntervalMs <= 0) {
      return Integer.MAX_VALUE;
    }
    // Tokens due within half a millisecond count as due: timers are rounded to whole ms, and this
    // keeps a sub-millisecond remainder from spinning through the event loop.
    double elapsedMs = (System.nanoTime() - firstTokenNanos) / 1_000_000.0 + DUE_TOLERANCE_MS;
    return (int) Math.min(Integer.MAX_VALUE, 1 + Math.floor(elapsedMs / tokenIntervalMs));
  }

  private void scheduleNext() {
    double nextDueMs = sent * tokenIntervalMs;
    double elapsedMs = (System.nanoTime() - firstTokenNanos) / 1_000_000.0;
    exchange.schedule(Math.max(0, nextDueMs - elapsedMs), this::emitDue);
  }

  private static Future<Void> write(HttpServerResponse response, Buffer out) {
    if (out.length() > 0) {
      return response.write(out);
    }
    // An empty write on a chunked response would read as its end: at most send the head alone.
    return response.headWritten() ? Future.succeededFuture() : response.writeHead();
  }

  private void appendToken(Buffer out, int index) {
    StringBuilder chunk = new StringBuilder(chunkPrefix.length() + 96).append(chunkPrefix);
    chunk.append(index == 0 ? "{\"role\":\"assistant\"," : "{");
    chunk.append(plan.isReasoning(index) ? "\"reasoning_content\":" : "\"content\":");
    chunk.append(TextGenerator.jsonToken(plan.textSeed(), index));
    chunk.append("},\"finish_reason\":null}]}\n\n");
    out.appendString(chunk.toString());
  }

  private void appendEnd(Buffer out) {
    out.appendString(chunkPrefix + "{},\"finish_reason\":\"" + plan.finishReason() + "\"}]}\n\n");
    if (plan.includeUsage()) {
      JsonObject usageChunk =
          new JsonObject()
              .put("id", plan.id())
              .put("object", "chat.completion.chunk")
              .put("created", plan.created())
              .put("model", plan.model())
              .put("choices", new JsonArray())
              .put("usage", plan.usage());
      out.appendString("data: " + usageChunk.encode() + "\n\n");
    }
    out.appendString("data: [DONE]\n\n");
  }
}
