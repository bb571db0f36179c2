package dev.meridian.router;

import io.vertx.core.http.HttpHeaders;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Response header names as Netty ASCII strings, made once per name. Set by a {@code String}, a name is
 * hashed and encoded again on every response; the ASCII form carries its hash and its bytes, and about
 * a dozen names are set on each answer. Fixed names are looked up once into static fields by the
 * classes that set them; the lookup per response is for names the limiter hands over with its values.
 */
final class HeaderNames {
  /** Names come from Meridian's own constants, never from a request; the bound is a guard only. */
  private static final int MAX_NAMES = 256;

  private static final ConcurrentHashMap<String, CharSequence> NAMES = new ConcurrentHashMap<>();

  private HeaderNames() {}

  static CharSequence of(String name) {
    CharSequence optimized = NAMES.get(name);
    if (optimized != null) {
      return optimized;
    }
    if (NAMES.size() >= MAX_NAMES) {
      return name;
    }
    return NAMES.computeIfAbsent(name, HttpHeaders::createOptimized);
  }
}
