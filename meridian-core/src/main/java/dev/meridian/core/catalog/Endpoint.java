package dev.meridian.core.catalog;

import java.util.Objects;

/**
 * One model served by one provider in one region: the unit that is probed, scored and broken.
 *
 * <p>A value class with the accessors, equality and string form of a record over {@code (model,
 * provider, region, baseUrl)}; it is not a record only so that {@link #id()} and the upstream URL, read
 * several times per request (routing ties, blocklist, breakers, metrics), are built once.
 */
public final class Endpoint {
  private final ModelSpec model;
  private final Provider provider;
  private final String region;
  private final String baseUrl;
  private final String id;
  private final String upstreamUrl;
  private final String messagesUrl;

  /**
   * @param baseUrl the provider's base URL in that region, ending in {@code /v1}
   */
  public Endpoint(ModelSpec model, Provider provider, String region, String baseUrl) {
    this.model = model;
    this.provider = provider;
    this.region = region;
    this.baseUrl = baseUrl;
    this.id = model.id() + "@" + region;
    this.upstreamUrl = baseUrl + model.kind().upstreamPath();
    String anthropic = model.kind() == ModelKind.CHAT ? provider.anthropicBaseUrl(region) : null;
    this.messagesUrl = anthropic == null ? null : anthropic + "/v1/messages";
  }

  public ModelSpec model() {
    return model;
  }

  public Provider provider() {
    return provider;
  }

  public String region() {
    return region;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** Stable identity used in logs, metrics and headers, e.g. {@code deepseek-v4-flash@ap-southeast}. */
  public String id() {
    return id;
  }

  /** The provider API URL of this endpoint's model: chat completions, or embeddings for an embedding model. */
  public String upstreamUrl() {
    return upstreamUrl;
  }

  /**
   * The provider's Anthropic-compatible Messages API for this endpoint, or null when it has none here:
   * where it has one, {@code /v1/messages} sends the client's request there unchanged.
   */
  public String messagesUrl() {
    return messagesUrl;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    return other instanceof Endpoint that
        && Objects.equals(model, that.model)
        && Objects.equals(provider, that.provider)
        && Objects.equals(region, that.region)
        && Objects.equals(baseUrl, that.baseUrl);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, provider, region, baseUrl);
  }

  @Override
  public String toString() {
    return id;
  }
}
