package dev.meridian.health;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one streamed completion showed: when its first and last tokens came, how many there were, and
 * the usage the upstream reported. Fed one SSE data payload at a time with the time it arrived.
 *
 * <p>A token chunk is one whose delta carries non-empty {@code content} or {@code reasoning_content}
 * ({@code reasoning} on some providers): a reasoning model's first thinking delta is its first token,
 * and with a tiny {@code max_tokens} it may never reach visible content at all.
 */
final class StreamStats {
  private long firstTokenNanos = -1;
  private long lastTokenNanos = -1;
  private int tokenChunks;
  private int promptTokens = -1;
  private int completionTokens = -1;
  private boolean done;
  private String upstreamError;

  /** Accepts one SSE data payload; returns false when it is not valid JSON (the stream is broken). */
  boolean accept(String payload, long nowNanos) {
    String trimmed = payload.trim();
    if (trimmed.equals("[DONE]")) {
      done = true;
      return true;
    }
    JsonObject chunk;
    try {
      chunk = new JsonObject(trimmed);
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
    Object error = chunk.getValue("error");
    if (error != null && upstreamError == null) {
      upstreamError = describeError(error);
    }
    if (hasToken(chunk)) {
      tokenChunks++;
      if (firstTokenNanos < 0) {
        firstTokenNanos = nowNanos;
      }
      lastTokenNanos = nowNanos;
    }
    if (chunk.getValue("usage") instanceof JsonObject usage) {
      Number prompt = number(usage, "prompt_tokens");
      Number completion = number(usage, "completion_tokens");
      if (prompt != null) {
        promptTokens = prompt.intValue();
      }
      if (completion != null) {
        completionTokens = completion.intValue();
      }
    }
    return true;
  }

  private static boolean hasToken(JsonObject chunk) {
    if (!(chunk.getValue("choices") instanceof JsonArray choices)) {
      return false;
    }
    for (Object choice : choices) {
      if (choice instanceof JsonObject object && object.getValue("delta") instanceof JsonObject delta) {
        if (nonEmpty(delta, "content") || nonEmpty(delta, "reasoning_content") || nonEmpty(delta, "reasoning")) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean nonEmpty(JsonObject delta, String field) {
    return delta.getValue(field) instanceof String text && !text.isEmpty();
  }

  private static Number number(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n : null;
  }

  /** Only the error's type or code, never its message: upstream messages may echo (masked) keys. */
  private static String describeError(Object error) {
    if (error instanceof JsonObject json) {
      Object kind = json.getValue("type");
      if (kind == null) {
        kind = json.getValue("code");
      }
      if (kind != null) {
        return "upstream error in stream: " + Errors.shorten(String.valueOf(kind), 60);
      }
    }
    return "upstream error in stream";
  }

  boolean sawToken() {
    return firstTokenNanos >= 0;
  }

  boolean sawDone() {
    return done;
  }

  String upstreamError() {
    return upstreamError;
  }

  long firstTokenNanos() {
    return firstTokenNanos;
  }

  int tokenChunks() {
    return tokenChunks;
  }

  /** Reported prompt tokens, 0 when the upstream sent no usage. */
  int promptTokens() {
    return Math.max(0, promptTokens);
  }

  /** Reported completion tokens, else the token chunks counted (one token per chunk, the usual case). */
  int completionTokens() {
    return completionTokens >= 0 ? completionTokens : tokenChunks;
  }

  /** (tokens - 1) over the time from first to last token; NaN with fewer than two tokens or no time. */
  double tokensPerSecond() {
    int tokens = completionTokens();
    long spanNanos = lastTokenNanos - firstTokenNanos;
    if (!sawToken() || tokens < 2 || spanNanos <= 0) {
      return Double.NaN;
    }
    return (tokens - 1) / (spanNanos / 1e9);
  }
}
