package dev.meridian.core.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A model as clients name it, with what it costs and what it can do.
 *
 * @param id the name clients send in {@code model}
 * @param upstreamId the name the provider expects (often different from {@code id})
 * @param regions regions whose endpoint of the provider serves this model
 * @param nominalTtftMs published time to first token from the reference region, used only until probes
 *     have measured the endpoint
 * @param nominalTokensPerSecond published generation speed, same caveat
 * @param embedding what an embedding model returns; null for a chat model
 * @param cachedInputDollarsPerMillion what the provider bills for input tokens its prompt cache served
 *     (DeepSeek, Kimi, Qwen and GLM bill them at a fraction of the input price); the input price when
 *     the catalog gives none
 */
public record ModelSpec(
    String id,
    String upstreamId,
    String provider,
    String family,
    Tier tier,
    Set<String> capabilities,
    int contextWindow,
    double inputDollarsPerMillion,
    double outputDollarsPerMillion,
    List<String> regions,
    double nominalTtftMs,
    double nominalTokensPerSecond,
    EmbeddingSpec embedding,
    double cachedInputDollarsPerMillion) {

  public static final String CAPABILITY_REASONING = "reasoning";
  public static final String CAPABILITY_VISION = "vision";
  public static final String CAPABILITY_CODE = "code";
  public static final String CAPABILITY_TOOLS = "tools";

  public ModelSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(tier, "tier");
    upstreamId = upstreamId == null ? id : upstreamId;
    capabilities = Set.copyOf(capabilities);
    regions = List.copyOf(regions);
  }

  /** A model whose cached input costs what its input costs. */
  public ModelSpec(
      String id,
      String upstreamId,
      String provider,
      String family,
      Tier tier,
      Set<String> capabilities,
      int contextWindow,
      double inputDollarsPerMillion,
      double outputDollarsPerMillion,
      List<String> regions,
      double nominalTtftMs,
      double nominalTokensPerSecond,
      EmbeddingSpec embedding) {
    this(id, upstreamId, provider, family, tier, capabilities, contextWindow, inputDollarsPerMillion,
        outputDollarsPerMillion, regions, nominalTtftMs, nominalTokensPerSecond, embedding, inputDollarsPerMillion);
  }

  /** A chat model. */
  public ModelSpec(
      String id,
      String upstreamId,
      String provider,
      String family,
      Tier tier,
      Set<String> capabilities,
      int contextWindow,
      double inputDollarsPerMillion,
      double outputDollarsPerMillion,
      List<String> regions,
      double nominalTtftMs,
      double nominalTokensPerSecond) {
    this(id, upstreamId, provider, family, tier, capabilities, contextWindow, inputDollarsPerMillion,
        outputDollarsPerMillion, regions, nominalTtftMs, nominalTokensPerSecond, null);
  }

  /** Chat or embedding: the provider API it is called on and the surfaces that may name it. */
  public ModelKind kind() {
    return embedding == null ? ModelKind.CHAT : ModelKind.EMBEDDING;
  }

  public boolean has(String capability) {
    return capabilities.contains(capability);
  }

  public boolean isReasoning() {
    return has(CAPABILITY_REASONING);
  }
}
