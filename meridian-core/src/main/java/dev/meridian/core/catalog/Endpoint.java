package dev.meridian.core.catalog;

/**
 * One model served by one provider in one region: the unit that is probed, scored and broken.
 *
 * @param baseUrl the provider's base URL in that region, ending in {@code /v1}
 */
public record Endpoint(ModelSpec model, Provider provider, String region, String baseUrl) {

  /** Stable identity used in logs, metrics and headers, e.g. {@code deepseek-v4-flash@ap-southeast}. */
  public String id() {
    return model.id() + "@" + region;
  }

  public String chatCompletionsUrl() {
    return baseUrl + "/chat/completions";
  }

  @Override
  public String toString() {
    return id();
  }
}
