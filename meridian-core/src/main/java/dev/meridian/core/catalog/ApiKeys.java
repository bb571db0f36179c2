package dev.meridian.core.catalog;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Resolves a provider's API key from the environment variable the catalog names. Keys are read here
 * and handed to the HTTP layer only; nothing else may log or return them.
 */
public final class ApiKeys {
  private final Function<String, String> lookup;

  public ApiKeys(Function<String, String> lookup) {
    this.lookup = Objects.requireNonNull(lookup);
  }

  /** Keys from the process environment. */
  public static ApiKeys fromEnvironment() {
    return new ApiKeys(System::getenv);
  }

  /** Fixed keys by variable name; for tests. */
  public static ApiKeys of(Map<String, String> keys) {
    Map<String, String> copy = Map.copyOf(keys);
    return new ApiKeys(copy::get);
  }

  /** Every configured key of the catalog's providers, for {@link dev.meridian.core.openai.SecretRedactor}. */
  public java.util.List<String> allKeys(Catalog catalog) {
    java.util.List<String> keys = new java.util.ArrayList<>();
    for (Provider provider : catalog.providers()) {
      String key = keyFor(provider);
      if (key != null) {
        keys.add(key);
      }
    }
    return keys;
  }

  /**
   * The base URLs that would send a configured key in cleartext off this machine ({@link
   * CleartextUpstream#exposesKey}), by provider and region in a stable order. Providers without a key
   * (the simulator) never count, wherever their URLs point.
   */
  public java.util.List<CleartextUpstream> cleartextUpstreams(Catalog catalog) {
    java.util.List<CleartextUpstream> found = new java.util.ArrayList<>();
    for (Provider provider : catalog.providers()) {
      if (keyFor(provider) == null) {
        continue;
      }
      for (String region : new java.util.TreeSet<>(provider.baseUrls().keySet())) {
        for (String url : new String[] {provider.baseUrl(region), provider.anthropicBaseUrl(region)}) {
          if (url != null && CleartextUpstream.exposesKey(url)) {
            found.add(new CleartextUpstream(provider.id(), region, url));
          }
        }
      }
    }
    found.sort(java.util.Comparator.comparing(CleartextUpstream::provider).thenComparing(CleartextUpstream::region));
    return found;
  }

  /** The key for {@code provider}, or null when its variable is unset or empty (simulated providers). */
  public String keyFor(Provider provider) {
    if (provider.apiKeyEnv() == null) {
      return null;
    }
    String key = lookup.apply(provider.apiKeyEnv());
    return key == null || key.isBlank() ? null : key;
  }
}
