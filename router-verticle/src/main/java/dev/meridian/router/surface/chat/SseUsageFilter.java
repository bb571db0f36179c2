package dev.meridian.router.surface.chat;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.Redaction;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.stream.ChatStreamEvent;
import dev.meridian.core.stream.SseFrame;
import dev.meridian.core.stream.SseFramer;

import io.vertx.core.buffer.Buffer;

/**
 * Sits in the SSE relay: forwards events as they complete, reads the provider's usage (which Meridian
 * asks for so it can bill every request), and drops the usage-only event when the client did not ask
 * for usage itself. Every decision is taken on the parsed event ({@link ChatStreamEvent}), never on byte
 * patterns, so pretty-printed JSON, CRLF, {@code event:}/{@code id:} lines and comments read the same.
 *
 * <p>What the client gets: every event byte for byte, except (1) a usage-only event (usage, no choices)
 * when it did not set {@code stream_options.include_usage: true}, which is dropped, and (2) an error
 * event holding key material (an error event or any other, in any shape), which goes out redacted
 * field by field ({@link Redaction#sseEvent}: JSON data parsed, never byte-matched). Usage
 * riding on a content chunk is forwarded as it is even to a client that did not ask: the chunk's
 * content is the client's, the OpenAI SDKs read an unexpected {@code usage} on a chunk without harm, and
 * stripping it would mean re-encoding the provider's JSON.
 *
 * <p>Events are forwarded only once their blank-line terminator has arrived; a partial event is useless
 * to a client anyway, and holding it costs no latency on the events that matter.
 */
final class SseUsageFilter {
  private static final String DROP = "";
  private final boolean clientWantsUsage;
  private final SecretRedactor redactor;
  private final SseFramer framer;
  private Usage usage;
  private long completionTokens;
  /** The end of the stream, decided once (by whichever of {@link #usage} and {@link #flush} runs first). */
  private Buffer tail;
  /** The previous event was dropped (its CRLF's LF may still be ahead). */
  private boolean droppedLast;
  /** The framer stopped on an oversized event; the client has had the error event. */
  private boolean broken;
  /** An error event was seen (and relayed), or the stream broke on an oversized event. */
  private boolean sawError;

  SseUsageFilter(boolean clientWantsUsage) {
    this(clientWantsUsage, SecretRedactor.none());
  }

  /**
   * @param redactor applied to error events and to any event it flags: a provider reporting an auth
   *     failure inside a stream may echo our key, and the stream goes to the client as is otherwise
   */
  SseUsageFilter(boolean clientWantsUsage, SecretRedactor redactor) {
    this(clientWantsUsage, redactor, SseFramer.DEFAULT_MAX_EVENT_BYTES);
  }

  SseUsageFilter(boolean clientWantsUsage, SecretRedactor redactor, int maxEventBytes) {
    this.clientWantsUsage = clientWantsUsage;
    this.redactor = redactor;
    this.framer = new SseFramer(maxEventBytes);
  }

  /**
   * Returns the bytes to forward now (possibly empty). While every complete event goes out unchanged,
   * which is the usual case, they go out as a slice of the input rather than a copy.
   */
  Buffer accept(Buffer chunk) {
    return forward(framer.feed(chunk));
  }

  /** Whatever is left when the stream ends (an unterminated last event), decided like any other. */
  Buffer flush() {
    settle();
    Buffer rest = tail;
    tail = Buffer.buffer();
    return rest;
  }

  /** The provider's usage, or an estimate from the streamed deltas when it sent none. */
  Usage usage(long promptTokensEstimate) {
    // The relay asks for usage before it flushes: an unterminated last event may be the usage one.
    settle();
    return usage != null ? usage : new Usage(promptTokensEstimate, completionTokens, true);
  }

  /** Whether the upstream's stream carried an error event, or broke on one too large to relay. */
  boolean sawError() {
    settle();
    return sawError;
  }

  private void settle() {
    if (tail == null) {
      tail = forward(framer.finish());
    }
  }

  private Buffer forward(SseFramer.Batch batch) {
    Buffer input = batch.input();
    Buffer out = null; // stays null while the output is the input's complete events unchanged
    for (SseFrame frame : batch.frames()) {
      String replacement = decide(frame);
      boolean dropped = DROP.equals(replacement);
      // An LF cut off from the previous event's CRLF leads this frame: it shares that event's fate.
      boolean lfDropped = frame.leadingLf() && droppedLast;
      boolean lfKept = frame.leadingLf() && !droppedLast;
      droppedLast = dropped;
      if (replacement == null && !lfDropped && out == null) {
        continue;
      }
      if (out == null) {
        // From here on the output differs from the input: copy what was forwarded so far as is.
        out = Buffer.buffer(batch.completeLength());
        out.appendBuffer(input, 0, frame.start());
      }
      if (replacement == null) {
        int skip = lfDropped ? 1 : 0;
        out.appendBuffer(input, frame.start() + skip, frame.length() - skip);
      } else if (dropped) {
        out.appendBuffer(input, frame.start(), lfKept ? 1 : 0);
      } else {
        out.appendString(lfDropped ? replacement.substring(1) : replacement); // the text holds the LF
      }
    }
    if (batch.tooLarge() && !broken) {
      broken = true;
      sawError = true;
      // The upstream sent an event past the bound: the client learns the stream broke, and nothing else.
      out = out != null ? out : Buffer.buffer().appendBuffer(input, 0, batch.completeLength());
      out.appendString(oversizedEventError());
    }
    if (out != null) {
      return out;
    }
    int complete = batch.completeLength();
    return complete == 0 ? Buffer.buffer() : complete == input.length() ? input : input.slice(0, complete);
  }

  /** Reads one complete event; null to forward its bytes unchanged, {@link #DROP} to drop it, else its new text. */
  private String decide(SseFrame frame) {
    ChatStreamEvent event = ChatStreamEvent.of(frame);
    if (event.usage() != null) {
      usage = event.usage(); // a provider repeating cumulative usage on every chunk: the last one counts
    }
    completionTokens += event.completionTokens();
    if (event.kind() == ChatStreamEvent.Kind.USAGE_ONLY && !clientWantsUsage) {
      return DROP; // it exists because Meridian asked for it; the client did not
    }
    sawError |= event.kind() == ChatStreamEvent.Kind.ERROR;
    // Every event, error or not and in whatever shape: its JSON data parsed, its other lines as text.
    return Redaction.sseEvent(redactor, frame);
  }

  private static String oversizedEventError() {
    String message = "The upstream sent a stream event larger than Meridian relays.";
    return "data: " + new OpenAiError(502, OpenAiError.SERVER_ERROR, "upstream_stream_error", message, null)
        .toJson().encode() + "\n\n";
  }
}
