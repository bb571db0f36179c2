package dev.meridian.core.openai;

/**
 * Carries an {@link OpenAiError} through future chains. Stack-less: these are expected outcomes
 * (bad input, no route), thrown often under load, and a stack trace would say nothing useful.
 */
public final class OpenAiException extends RuntimeException {
  private final OpenAiError error;

  public OpenAiException(OpenAiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public OpenAiError error() {
    return error;
  }
}
