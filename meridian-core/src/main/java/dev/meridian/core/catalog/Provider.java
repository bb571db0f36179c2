package dev.meridian.core.catalog;

import java.util.Map;
import java.util.Objects;

/**
 * A company serving models through an OpenAI-compatible API, and in some regions also through an
 * Anthropic-compatible Messages API (DeepSeek, Kimi, GLM and MiniMax offer one), which Meridian's
 * {@code /v1/messages} then calls with the client's request unchanged.
 *
 * @param baseUrls region id to base URL ending in {@code /v1}, e.g. {@code https://api.example.com/v1}
 * @param apiKeyEnv name of the environment variable holding the key; the key itself never enters the catalog
 * @param anthropicBaseUrls region id to the base URL of its Messages API, to which {@code /v1/messages}
 *     is added (e.g. {@code https://api.example.com/anthropic}); empty when it has none
 */
public record Provider(
    String id, String name, String apiKeyEnv, Map<String, String> baseUrls, Map<String, String> anthropicBaseUrls) {
  public Provider {
    Objects.requireNonNull(id, "id");
    name = name == null ? id : name;
    baseUrls = Map.copyOf(baseUrls);
    anthropicBaseUrls = anthropicBaseUrls == null ? Map.of() : Map.copyOf(anthropicBaseUrls);
  }

  /** A provider with an OpenAI-compatible API only. */
  public Provider(String id, String name, String apiKeyEnv, Map<String, String> baseUrls) {
    this(id, name, apiKeyEnv, baseUrls, Map.of());
  }

  public String baseUrl(String region) {
    return baseUrls.get(region);
  }

  /** The base URL of its Messages API in {@code region}, or null when it has none there. */
  public String anthropicBaseUrl(String region) {
    return anthropicBaseUrls.get(region);
  }
}
