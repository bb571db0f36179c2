package dev.meridian.core.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Client keys are stored as SHA-256 hashes. An unsalted fast hash is enough because keys are random
 * (at least 128 bits, see {@link #newKey()}), not passwords: there is nothing to guess from a list of
 * common values, and a slow hash would cost milliseconds on every request.
 */
public final class KeyHash {
  /** Prefix of generated keys; lets secret scanners recognise a leaked Meridian key. */
  public static final String KEY_PREFIX = "sk-mer-";
  /** Shortest key accepted in a keys file's plain-text form or from a client; shorter keys are guessable. */
  public static final int MIN_KEY_LENGTH = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyHash() {}

  /**
   * One digest per thread, kept: every authenticated request hashes its key, and getting a new digest
   * looks the algorithm up in the security providers and allocates its state each time. {@code
   * digest()} resets it for reuse.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(KeyHash::newSha256);

  private static final HexFormat HEX = HexFormat.of();

  public static String sha256Hex(String key) {
    return HEX.formatHex(SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** A new random key: the prefix and 32 bytes (256 bits) of randomness, URL-safe base64. */
  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return KEY_PREFIX + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static boolean isSha256Hex(String value) {
    if (value == null || value.length() != 64) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
