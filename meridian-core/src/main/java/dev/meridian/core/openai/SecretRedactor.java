package dev.meridian.core.openai;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces known secrets in text that may leave the process (relayed upstream errors, log lines).
 * Upstream providers sometimes echo a truncated or whole key in an auth error; nothing of it may reach a
 * client.
 */
public final class SecretRedactor {
  public static final String MASK = "[REDACTED]";
  /** Shorter values are not treated as secrets: masking "a" everywhere would destroy the text. */
  private static final int MIN_SECRET_LENGTH = 8;

  private final List<String> secrets;

  public SecretRedactor(Collection<String> secrets) {
    List<String> usable = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && secret.length() >= MIN_SECRET_LENGTH) {
        usable.add(secret);
      }
    }
    // Longest first, so a key that contains another key is masked whole.
    usable.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(usable);
  }

  public static SecretRedactor none() {
    return new SecretRedactor(List.of());
  }

  public String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : secrets) {
      if (result.contains(secret)) {
        result = result.replace(secret, MASK);
      }
      result = maskFragments(result, secret);
    }
    return result;
  }

  /** True when the text holds a key or a recognisable piece of one; cheap enough for hot paths. */
  public boolean mayContainSecret(String text) {
    for (String secret : secrets) {
      if (text.contains(secret.substring(0, MIN_SECRET_LENGTH))
          || text.contains(secret.substring(secret.length() - MIN_SECRET_LENGTH))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Providers echo keys masked ("sk-abc12...wxyz"): any run of at least {@link #MIN_SECRET_LENGTH}
   * characters matching the key's start, or its end, is masked too.
   */
  private static String maskFragments(String text, String secret) {
    String head = secret.substring(0, MIN_SECRET_LENGTH);
    String tail = secret.substring(secret.length() - MIN_SECRET_LENGTH);
    String result = text;
    for (int at = result.indexOf(head); at >= 0; at = result.indexOf(head, at + 1)) {
      int end = at + MIN_SECRET_LENGTH;
      while (end < result.length() && end - at < secret.length() && result.charAt(end) == secret.charAt(end - at)) {
        end++;
      }
      result = result.substring(0, at) + MASK + result.substring(end);
    }
    for (int at = result.indexOf(tail); at >= 0; at = result.indexOf(tail, at + 1)) {
      int start = at;
      int k = secret.length() - MIN_SECRET_LENGTH - 1;
      while (start > 0 && k >= 0 && result.charAt(start - 1) == secret.charAt(k)) {
        start--;
        k--;
      }
      result = result.substring(0, start) + MASK + result.substring(at + MIN_SECRET_LENGTH);
      at = start;
    }
    return result;
  }
}
