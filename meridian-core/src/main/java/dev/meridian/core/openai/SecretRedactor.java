package dev.meridian.core.openai;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces known secrets in text that may leave the process (relayed upstream bodies and events, log
 * lines, probe errors). Upstream providers sometimes echo a key in an error, whole, truncated or masked
 * ({@code sk-abc12...wxyz}); nothing of it may reach a client.
 *
 * <p>Matches on the text it is given: any run of at least {@value #MIN_FRAGMENT} characters that also
 * occurs in a key, at its start, end or anywhere in between, is masked as far as it matches. Text in a
 * known format (JSON, server-sent events) is decoded first by {@link Redaction}, so an escape
 * (<code>&#92;u0073k-...</code>, <code>&#92;/</code>) cannot hide a key from it.
 *
 * <p>Cost: one pass over the text with a rolling hash of its {@value #MIN_FRAGMENT}-character windows,
 * looked up in a table of every window of every key; only a hit is compared character by character.
 * Immutable and thread-safe.
 */
public final class SecretRedactor {
  public static final String MASK = "[REDACTED]";
  /** Shorter keys are not treated as secrets, and shorter runs of a key are not recognised. */
  public static final int MIN_FRAGMENT = 8;

  private static final long BASE = 1_000_003L;
  private static final long BASE_POW = pow(BASE, MIN_FRAGMENT - 1);
  private static final SecretRedactor NONE = new SecretRedactor(List.of());

  private final List<String> secrets;
  /** Open addressing: the hashes of every window of every key; 0 marks a free slot. */
  private final long[] windows;
  private final int mask;

  public SecretRedactor(Collection<String> secrets) {
    List<String> usable = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && secret.length() >= MIN_FRAGMENT && !usable.contains(secret)) {
        usable.add(secret);
      }
    }
    // Longest first, so a key that contains another key is masked whole.
    usable.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(usable);
    int count = 0;
    for (String secret : this.secrets) {
      count += secret.length() - MIN_FRAGMENT + 1;
    }
    int size = Integer.highestOneBit(Math.max(16, count * 4 - 1)) << 1;
    this.windows = new long[size];
    this.mask = size - 1;
    for (String secret : this.secrets) {
      long hash = 0;
      for (int i = 0; i < secret.length(); i++) {
        hash = i < MIN_FRAGMENT ? hash * BASE + secret.charAt(i) : roll(hash, secret.charAt(i - MIN_FRAGMENT), secret.charAt(i));
        if (i >= MIN_FRAGMENT - 1) {
          insert(nonZero(hash));
        }
      }
    }
  }

  public static SecretRedactor none() {
    return NONE;
  }

  public boolean isEmpty() {
    return secrets.isEmpty();
  }

  /** The text with every run of key material masked; the same instance when there is none. */
  public String redact(String text) {
    if (text == null || secrets.isEmpty() || text.length() < MIN_FRAGMENT) {
      return text;
    }
    StringBuilder out = null;
    int copied = 0;
    int from = 0;
    while (true) {
      int at = nextWindow(text, from);
      if (at < 0) {
        break;
      }
      int[] run = longestRun(text, at);
      if (run == null) {
        from = at + 1;
        continue;
      }
      int start = Math.max(run[0], copied);
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, start).append(MASK);
      copied = run[1];
      from = run[1];
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, text.length()).toString();
  }

  /** True when the text holds a key or a run of {@value #MIN_FRAGMENT}+ characters of one. */
  public boolean mayContainSecret(String text) {
    if (text == null || secrets.isEmpty()) {
      return false;
    }
    for (int from = 0; ; ) {
      int at = nextWindow(text, from);
      if (at < 0) {
        return false;
      }
      if (longestRun(text, at) != null) {
        return true;
      }
      from = at + 1;
    }
  }

  /** The first position at or after {@code from} whose window's hash is a key window's (unverified). */
  private int nextWindow(String text, int from) {
    int length = text.length();
    if (length - from < MIN_FRAGMENT) {
      return -1;
    }
    long hash = 0;
    for (int i = from; i < from + MIN_FRAGMENT; i++) {
      hash = hash * BASE + text.charAt(i);
    }
    for (int at = from; ; at++) {
      if (contains(nonZero(hash))) {
        return at;
      }
      if (at + MIN_FRAGMENT >= length) {
        return -1;
      }
      hash = roll(hash, text.charAt(at), text.charAt(at + MIN_FRAGMENT));
    }
  }

  /**
   * The longest run of key material around the window at {@code at}, as {start, end}, or null when the
   * window only collides with a key's hash.
   */
  private int[] longestRun(String text, int at) {
    int[] best = null;
    for (String secret : secrets) {
      for (int offset = indexOfWindow(secret, text, at, 0); offset >= 0; offset = indexOfWindow(secret, text, at, offset + 1)) {
        int end = at + MIN_FRAGMENT;
        while (end < text.length() && offset + end - at < secret.length() && text.charAt(end) == secret.charAt(offset + end - at)) {
          end++;
        }
        int start = at;
        while (start > 0 && offset - (at - start) > 0 && text.charAt(start - 1) == secret.charAt(offset - (at - start) - 1)) {
          start--;
        }
        if (best == null || end - start > best[1] - best[0]) {
          best = new int[] {start, end};
        }
      }
    }
    return best;
  }

  private static int indexOfWindow(String secret, String text, int at, int from) {
    for (int offset = from; offset + MIN_FRAGMENT <= secret.length(); offset++) {
      if (secret.regionMatches(offset, text, at, MIN_FRAGMENT)) {
        return offset;
      }
    }
    return -1;
  }

  private static long roll(long hash, char out, char in) {
    return (hash - out * BASE_POW) * BASE + in;
  }

  private static long nonZero(long hash) {
    return hash == 0 ? 1 : hash;
  }

  private static int slot(long hash, int mask) {
    return (int) ((hash * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }

  private void insert(long hash) {
    for (int i = slot(hash, mask); ; i = (i + 1) & mask) {
      if (windows[i] == hash) {
        return;
      }
      if (windows[i] == 0) {
        windows[i] = hash;
        return;
      }
    }
  }

  private boolean contains(long hash) {
    for (int i = slot(hash, mask); ; i = (i + 1) & mask) {
      long found = windows[i];
      if (found == hash) {
        return true;
      }
      if (found == 0) {
        return false;
      }
    }
  }

  private static long pow(long base, int exponent) {
    long result = 1;
    for (int i = 0; i < exponent; i++) {
      result *= base;
    }
    return result;
  }
}
