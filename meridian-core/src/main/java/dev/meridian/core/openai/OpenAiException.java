package dev.meridian.core.openai;

/**
 * Carries an {@link OpenAiError} through future chains. Stack-less: these are expected outcomes
 * (bad input, no route), thrown often under load, and a stack trace would say nothing useful.
 */
public final class OpenAiException extends RuntimeException {
  private final OpenAiError error;
  private final long retryAfterSeconds;

  public OpenAiException(OpenAiError error) {
    this(error, -1);
  }

  /** An error that tells the client when to come back ({@code Retry-After}), e.g. a 429. */
  public OpenAiException(OpenAiError error, long retryAfterSeconds) {
    super(error.message(), null, false, false);
    this.error = error;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public OpenAiError error() {
    return error;
  }

  /** Seconds for a {@code Retry-After} header, or -1 when none applies. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
