package dev.meridian.core.routing;

import dev.meridian.core.openai.OpenAiError;
import java.util.function.Function;

/**
 * The three deadlines of one request: overall, first token, and idle between chunks. Configuration
 * gives each a default that is also its ceiling; a client may shorten any of them with a header (an
 * interactive caller that would rather fail fast), never lengthen it.
 */
public record Deadlines(long requestMs, long firstTokenMs, long idleMs) {
  public static final String REQUEST_HEADER = "x-meridian-timeout-ms";
  public static final String FIRST_TOKEN_HEADER = "x-meridian-first-token-timeout-ms";
  public static final String IDLE_HEADER = "x-meridian-idle-timeout-ms";

  /**
   * @param header reads a request header by name, null when absent
   * @throws dev.meridian.core.openai.OpenAiException 400 when a header is not a positive whole number
   */
  public static Deadlines fromHeaders(Function<String, String> header, Deadlines configured) {
    return new Deadlines(
        bounded(header, REQUEST_HEADER, configured.requestMs()),
        bounded(header, FIRST_TOKEN_HEADER, configured.firstTokenMs()),
        bounded(header, IDLE_HEADER, configured.idleMs()));
  }

  private static long bounded(Function<String, String> header, String name, long ceiling) {
    String raw = header.apply(name);
    if (raw == null) {
      return ceiling;
    }
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value <= 0) {
      throw OpenAiError.invalidRequest(
              "invalid_header", "Header " + name + " must be a positive number of milliseconds.", name)
          .asException();
    }
    return Math.min(value, ceiling);
  }
}
