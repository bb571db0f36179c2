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
    }
    return result;
  }
}
