package dev.meridian.launcher.bench;

import dev.meridian.core.openai.SseParser;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one streamed chat completion measured, from its SSE events and the time each arrived: time to
 * first token, generation speed after it, tokens, and whether the stream reported an error. Plain
 * Java, fed by {@link SseParser}; one instance per request, not thread-safe.
 *
 * <ul>
 *   <li><b>First token</b>: the first chunk whose delta carries non-empty {@code content} or {@code
 *       reasoning_content} (a reasoning model's thinking counts, as in catalog-facts.md); a role-only
 *       first chunk does not.
 *   <li><b>Tokens</b>: {@code usage.completion_tokens} when the stream reports usage (asked for with
 *       {@code stream_options.include_usage}), else the number of such deltas (one token each is the
 *       common case; a provider that batches tokens per delta is undercounted).
 *   <li><b>Tokens/s after the first token</b>: {@code (tokens - 1) / (last token - first token)}: the
 *       first token's arrival is the start of the interval, so it is not counted in it. Unknown (NaN)
 *       with fewer than two tokens or when every token arrived at once.
 * </ul>
 */
public final class StreamMeter {
  private final long startNanos;
  private long firstTokenNanos = -1;
  private long lastTokenNanos = -1;
  private int deltas;
  private int usageTokens = -1;
  private String streamError;
  private boolean done;
  private int malformed;

  /** @param startNanos {@link System#nanoTime()} when the request was sent */
  public StreamMeter(long startNanos) {
    this.startNanos = startNanos;
  }

  /** One event's data, received at {@code nanos}. */
  public void onData(String data, long nanos) {
    String trimmed = data.trim();
    if (trimmed.isEmpty()) {
      return;
    }
    if (trimmed.equals("[DONE]")) {
      done = true;
      return;
    }
    JsonObject event;
    try {
      event = new JsonObject(trimmed);
    } catch (DecodeException | ClassCastException e) {
      malformed++;
      return;
    }
    Object error = event.getValue("error");
    if (error != null && streamError == null) {
      streamError = errorMessage(error);
    }
    JsonArray choices = event.getValue("choices") instanceof JsonArray array ? array : null;
    if (choices != null) {
      for (Object item : choices) {
        if (item instanceof JsonObject choice
            && choice.getValue("delta") instanceof JsonObject delta
            && (nonEmpty(delta.getValue("content")) || nonEmpty(delta.getValue("reasoning_content")))) {
          if (firstTokenNanos < 0) {
            firstTokenNanos = nanos;
          }
          lastTokenNanos = nanos;
          deltas++;
          break;
        }
      }
    }
    if (event.getValue("usage") instanceof JsonObject usage
        && usage.getValue("completion_tokens") instanceof Number tokens) {
      usageTokens = tokens.intValue();
    }
  }

  private static boolean nonEmpty(Object value) {
    return value instanceof String text && !text.isEmpty();
  }

  private static String errorMessage(Object error) {
    if (error instanceof JsonObject object) {
      String message = object.getString("message", null);
      String code = object.getValue("code") == null ? null : String.valueOf(object.getValue("code"));
      if (message == null) {
        return object.encode();
      }
      return code == null ? message : message + " (" + code + ")";
    }
    return String.valueOf(error);
  }

  public boolean sawFirstToken() {
    return firstTokenNanos >= 0;
  }

  /** The measurement so far, with the stream ending at {@code endNanos}. */
  public Measurement finish(long endNanos) {
    double ttftMs = firstTokenNanos < 0 ? Double.NaN : (firstTokenNanos - startNanos) / 1e6;
    boolean fromUsage = usageTokens >= 0;
    int tokens = fromUsage ? usageTokens : deltas;
    double spanSeconds = (lastTokenNanos - firstTokenNanos) / 1e9;
    double tokensPerSecond =
        firstTokenNanos >= 0 && tokens >= 2 && spanSeconds > 0 ? (tokens - 1) / spanSeconds : Double.NaN;
    return new Measurement(
        ttftMs, tokensPerSecond, tokens, fromUsage, deltas, (endNanos - startNanos) / 1e6, streamError, done,
        malformed);
  }

  /**
   * @param ttftMs NaN when no token arrived
   * @param tokensPerSecond NaN when it could not be measured
   * @param tokens completion tokens, from usage when {@code tokensFromUsage}, else counted deltas
   * @param deltas deltas that carried content or reasoning
   * @param totalMs request sent to stream end
   * @param streamError the message of an SSE error event, or null
   * @param sawDone whether {@code data: [DONE]} arrived
   * @param malformed events whose data was not JSON
   */
  public record Measurement(
      double ttftMs,
      double tokensPerSecond,
      int tokens,
      boolean tokensFromUsage,
      int deltas,
      double totalMs,
      String streamError,
      boolean sawDone,
      int malformed) {}
}
