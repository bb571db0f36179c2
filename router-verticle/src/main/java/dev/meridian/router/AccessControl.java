package dev.meridian.router;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.tenancy.ClientKey;
import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.ConcurrencyLimiter;
import dev.meridian.core.tenancy.UsageLimiter;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Who may call this router: the client keys with their usage limiter, or nobody checked at all when
 * the operator explicitly runs it open. Shared by every router instance of a node; the keys can be
 * swapped at run time (a reloaded keys file) while the counts carry on.
 */
public final class AccessControl {
  /** Routing-context key under which the authenticated {@link ClientKey} travels. */
  static final String CLIENT = "meridian.client";

  private volatile ClientKeys keys;
  private final UsageLimiter limiter;
  /** Counted per node (all router instances share it); counts carry on across a keys reload. */
  private final ConcurrencyLimiter concurrency = new ConcurrencyLimiter();

  private AccessControl(ClientKeys keys) {
    this.keys = keys;
    this.limiter = new UsageLimiter(keys == null ? List.of() : keys.keys());
  }

  /** No authentication, no limits: only for a router behind something else that authenticates. */
  public static AccessControl open() {
    return new AccessControl(null);
  }

  public static AccessControl withKeys(ClientKeys keys) {
    if (keys == null) {
      throw new IllegalArgumentException("keys are required; use AccessControl.open() to run without");
    }
    return new AccessControl(keys);
  }

  public boolean isOpen() {
    return keys == null;
  }

  /** Replaces the keys (a reloaded file); counts of keys that stay carry on. */
  public void replaceKeys(ClientKeys replacement) {
    if (keys == null) {
      throw new IllegalStateException("an open router has no keys to replace");
    }
    keys = replacement;
    limiter.follow(replacement.keys());
  }

  public ClientKeys keys() {
    return keys;
  }

  public UsageLimiter limiter() {
    return limiter;
  }

  /** Each key's requests in flight on this node, against its {@code maxConcurrentRequests}. */
  public ConcurrencyLimiter concurrency() {
    return concurrency;
  }

  /**
   * The key a client request presents, or null when the router is open.
   *
   * @throws dev.meridian.core.openai.OpenAiException 401 without a key or with one nobody configured; the
   *     message never repeats what was presented
   */
  ClientKey authenticate(HttpServerRequest request) {
    ClientKeys current = keys;
    if (current == null) {
      return null;
    }
    String presented = bearer(request.getHeader("authorization"));
    if (presented == null) {
      // Anthropic's SDKs and coding agents send the key in x-api-key: the same keys, the same checks.
      String apiKey = request.getHeader("x-api-key");
      presented = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }
    if (presented == null) {
      throw OpenAiError.unauthenticated(
              "missing_api_key",
              "No API key: send it in an 'Authorization: Bearer <key>' header (the OpenAI SDKs do this with api_key)"
                  + " or in 'x-api-key' (the Anthropic SDKs).")
          .asException();
    }
    ClientKey key = current.find(presented);
    if (key == null) {
      throw OpenAiError.unauthenticated("invalid_api_key", "The API key is not valid here.").asException();
    }
    return key;
  }

  /**
   * Whether a request may read an admin surface (metrics, status): always when no admin keys are
   * configured (the surfaces are then protected by where they listen), else with an admin key as a
   * bearer token or as the password of basic authentication (so a browser can open the status page).
   */
  boolean admitsAdmin(HttpServerRequest request) {
    ClientKeys current = keys;
    if (current == null || !current.hasAdminKeys()) {
      return true;
    }
    String header = request.getHeader("authorization");
    String presented = bearer(header);
    if (presented == null) {
      presented = basicPassword(header);
    }
    return current.findAdmin(presented) != null;
  }

  static String bearer(String header) {
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static String basicPassword(String header) {
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : decoded.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return isOpen() ? "AccessControl[open]" : "AccessControl[" + keys.size() + " keys]";
  }
}
