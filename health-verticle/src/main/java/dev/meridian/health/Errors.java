package dev.meridian.health;

/** Short, secret-free failure descriptions for probe results and logs. */
final class Errors {
  private Errors() {}

  /**
   * Exception type and a shortened message. Network exceptions name the peer address at most; no code
   * path here ever sees request headers, so a key cannot leak through them.
   */
  static String describe(Throwable failure) {
    String name = failure.getClass().getSimpleName();
    String message = failure.getMessage();
    return message == null || message.isBlank() ? name : name + ": " + shorten(message, 120);
  }

  static String shorten(String text, int max) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
  }
}
