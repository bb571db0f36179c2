package dev.meridian.core.routing;

/**
 * What an upstream status means for the request: use it, try the next endpoint, or hand it back to the
 * client. Only statuses that say "this endpoint, not this request, is the problem" move on: a 400 would
 * fail the same way everywhere, so retrying it only multiplies load.
 */
public final class FailoverPolicy {
  public enum Verdict {
    SUCCESS,
    TRY_NEXT,
    RELAY_TO_CLIENT
  }

  private static final java.util.regex.Pattern SECONDS = java.util.regex.Pattern.compile("[+-]?[0-9]+");
  /** 15 digits of seconds still fit in a long of milliseconds; more saturate. */
  private static final int MAX_SECONDS_DIGITS = 15;

  private FailoverPolicy() {}

  /**
   * A {@code Retry-After} header in milliseconds from its seconds form: -1 when absent or not a whole
   * number (an HTTP-date is rare from LLM providers; the caller's default block applies), 0 for a
   * negative value, and {@link Long#MAX_VALUE} for more seconds than a long of milliseconds holds, so
   * a huge value never wraps into a short or negative wait. The caller caps the block it derives.
   */
  public static long retryAfterMs(String header) {
    if (header == null) {
      return -1;
    }
    String text = header.trim();
    if (!SECONDS.matcher(text).matches()) {
      return -1;
    }
    if (text.charAt(0) == '-') {
      return 0;
    }
    int start = text.charAt(0) == '+' ? 1 : 0;
    while (start < text.length() - 1 && text.charAt(start) == '0') {
      start++;
    }
    String digits = text.substring(start);
    return digits.length() > MAX_SECONDS_DIGITS ? Long.MAX_VALUE : Long.parseLong(digits) * 1000;
  }

  public static Verdict classify(int status) {
    if (status >= 200 && status < 300) {
      return Verdict.SUCCESS;
    }
    if (status == 429 || status >= 500) {
      return Verdict.TRY_NEXT;
    }
    // 401/403: our key for this provider is wrong or revoked; 404: the provider does not serve the
    // model there; 408: the provider gave up waiting. All are the endpoint's fault, not the client's.
    if (status == 401 || status == 403 || status == 404 || status == 408) {
      return Verdict.TRY_NEXT;
    }
    return Verdict.RELAY_TO_CLIENT;
  }
}
