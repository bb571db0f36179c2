package dev.meridian.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * One resolved provider request while the simulator is "thinking": owns its single pending timer, and
 * turns the client going away into a cancelled timer and a {@code cancelled} count. Event-loop only.
 */
final class Exchange {
  private static final long NO_TIMER = -1;

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final SimulatorStats.EndpointStats stats;
  private final WireTranscoder transcoder;
  private long timerId = NO_TIMER;
  /** True once this side has answered or dropped the request; later events are ignored. */
  private boolean done;

  Exchange(Vertx vertx, HttpServerRequest request, SimulatorStats.EndpointStats stats) {
    this(vertx, request, stats, WireTranscoder.NONE);
  }

  /** @param transcoder how the chat-completions bytes generated reach the client (another API's shape) */
  Exchange(Vertx vertx, HttpServerRequest request, SimulatorStats.EndpointStats stats, WireTranscoder transcoder) {
    this.vertx = vertx;
    this.request = request;
    this.response = request.response();
    this.stats = stats;
    this.transcoder = transcoder;
    response.closeHandler(v -> clientGone());
  }

  HttpServerResponse response() {
    return response;
  }

  SimulatorStats.EndpointStats stats() {
    return stats;
  }

  /** Whether the request still waits for (more of) its answer. */
  boolean active() {
    if (!done && response.closed()) {
      clientGone(); // the connection died before the close handler could be installed
    }
    return !done;
  }

  /** Runs {@code action} after {@code delayMs}, replacing any pending timer; skipped if the exchange ends first. */
  void schedule(double delayMs, Runnable action) {
    cancelTimer();
    if (!active()) {
      return;
    }
    long rounded = Math.round(delayMs);
    if (rounded < 1) {
      // Vert.x timers need >= 1 ms; a zero delay (latencyScale 0) still goes through the loop, not the stack.
      vertx.runOnContext(v -> {
        if (active()) {
          action.run();
        }
      });
      return;
    }
    timerId =
        vertx.setTimer(
            rounded,
            id -> {
              timerId = NO_TIMER;
              if (active()) {
                action.run();
              }
            });
  }

  /** Sends a successful answer in full and counts it completed. */
  void complete(Buffer lastBytes) {
    if (finish()) {
      stats.recordCompleted(); // before the bytes leave, so a client that got them sees the count
      response.end(transcoder.last(lastBytes));
    }
  }

  /** Ends a started stream with its last bytes (an error event), not counted as completed. */
  void end(Buffer lastBytes) {
    if (finish()) {
      response.end(transcoder.last(lastBytes));
    }
  }

  /** Writes stream bytes before the end. */
  io.vertx.core.Future<Void> write(Buffer chatBytes) {
    Buffer out = transcoder.chunk(chatBytes);
    if (out.length() > 0) {
      return response.write(out);
    }
    // An empty write on a chunked response would read as its end: at most send the head alone.
    return response.headWritten() ? io.vertx.core.Future.succeededFuture() : response.writeHead();
  }

  /** Sends any other final answer (an error), not counted as completed. */
  void reply(int status, String contentType, Buffer body) {
    if (finish()) {
      response.setStatusCode(status).putHeader("content-type", contentType).end(transcoder.error(status, body));
    }
  }

  /**
   * Drops the request without (more of) a response, as a failing upstream would: closes the HTTP/1
   * connection, or resets just this stream on HTTP/2 where the connection carries others.
   */
  void abort() {
    if (finish()) {
      if (request.version() == HttpVersion.HTTP_2) {
        response.reset();
      } else {
        request.connection().close();
      }
    }
  }

  /** Gives up on the request without answering or closing (a stalled upstream); the client decides. */
  void stall() {
    cancelTimer();
  }

  private boolean finish() {
    if (done) {
      return false;
    }
    done = true;
    cancelTimer();
    return true;
  }

  private void clientGone() {
    if (!done) {
      done = true;
      cancelTimer();
      stats.recordCancelled();
    }
  }

  private void cancelTimer() {
    if (timerId != NO_TIMER) {
      vertx.cancelTimer(timerId);
      timerId = NO_TIMER;
    }
  }
}
