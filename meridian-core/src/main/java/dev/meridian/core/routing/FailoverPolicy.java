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

  private FailoverPolicy() {}

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
