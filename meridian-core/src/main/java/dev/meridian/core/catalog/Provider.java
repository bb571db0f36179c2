package dev.meridian.core.catalog;

import java.util.Map;
import java.util.Objects;

/**
 * A company serving models through an OpenAI-compatible API.
 *
 * @param baseUrls region id to base URL ending in {@code /v1}, e.g. {@code https://api.example.com/v1}
 * @param apiKeyEnv name of the environment variable holding the key; the key itself never enters the catalog
 */
public record Provider(String id, String name, String apiKeyEnv, Map<String, String> baseUrls) {
  public Provider {
    Objects.requireNonNull(id, "id");
    name = name == null ? id : name;
    baseUrls = Map.copyOf(baseUrls);
  }

  public String baseUrl(String region) {
    return baseUrls.get(region);
  }
}
