package dev.meridian.simulator;

import dev.meridian.core.catalog.ModelSpec;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * How long each simulated endpoint takes, from the published measurements in catalog-facts.md.
 *
 * <p>Time to first token depends on the endpoint's region:
 *
 * <ul>
 *   <li>{@code us-east}: the catalog's nominal TTFT, which was measured from there.
 *   <li>{@code ap-southeast}: nominal x 0.83 (Asian-hosted models were 16-20% faster from Singapore),
 *       except the four models whose Singapore TTFT was published, which use that exact value.
 *   <li>{@code eu-west}: nominal x 1.15. Not measured; a deliberate choice that Europe is farther from
 *       the providers' Asian origins than US East's well-peered gateways, so it is the slowest.
 *   <li>any other region: nominal.
 * </ul>
 *
 * <p>Generation speed is the catalog's nominal tokens/s everywhere. On top, a caller in another region
 * pays a network round trip before the first byte (table {@link #RTT_MS}). Every delay is multiplied by
 * the latency scale, so tests can run the same profile 10-50x faster. Plain Java: no event loop needed.
 */
public final class LatencyProfile {
  public static final String US_EAST = "us-east";
  public static final String EU_WEST = "eu-west";
  public static final String AP_SOUTHEAST = "ap-southeast";

  /** Factor on the nominal (us-east) TTFT, by endpoint region. */
  static final Map<String, Double> REGION_TTFT_FACTOR =
      Map.of(US_EAST, 1.0, EU_WEST, 1.15, AP_SOUTHEAST, 0.83);

  /** Published TTFT by model id, then endpoint region; wins over the factor. */
  static final Map<String, Map<String, Double>> PUBLISHED_TTFT_MS =
      Map.of(
          "deepseek-v4-flash", Map.of(AP_SOUTHEAST, 150.0),
          "qwen3-32b", Map.of(AP_SOUTHEAST, 210.0),
          "glm-5", Map.of(AP_SOUTHEAST, 420.0),
          "kimi-k2.5", Map.of(AP_SOUTHEAST, 480.0));

  /** Round trip between two regions in ms. Keys are unordered pairs, so the table is symmetric by construction. */
  static final Map<Set<String>, Double> RTT_MS =
      Map.of(
          Set.of(US_EAST, EU_WEST), 75.0,
          Set.of(US_EAST, AP_SOUTHEAST), 210.0,
          Set.of(EU_WEST, AP_SOUTHEAST), 160.0);

  private final double scale;

  public LatencyProfile(double latencyScale) {
    if (!(latencyScale >= 0) || Double.isInfinite(latencyScale)) {
      throw new IllegalArgumentException("latencyScale must be a finite number >= 0");
    }
    this.scale = latencyScale;
  }

  public double scale() {
    return scale;
  }

  /** Unscaled TTFT of {@code model} served from {@code endpointRegion}, in ms. */
  public double nominalTtftMs(ModelSpec model, String endpointRegion) {
    Map<String, Double> published = PUBLISHED_TTFT_MS.get(model.id());
    if (published != null && published.containsKey(endpointRegion)) {
      return published.get(endpointRegion);
    }
    return model.nominalTtftMs() * REGION_TTFT_FACTOR.getOrDefault(endpointRegion, 1.0);
  }

  /** Scaled TTFT in ms, without jitter and without the caller's distance. */
  public double ttftMs(ModelSpec model, String endpointRegion) {
    return nominalTtftMs(model, endpointRegion) * scale;
  }

  /** Unscaled round trip; 0 for the same region, an unknown region or no caller region. */
  public static double nominalRttMs(String callerRegion, String endpointRegion) {
    if (callerRegion == null || endpointRegion == null || callerRegion.equals(endpointRegion)) {
      return 0;
    }
    return RTT_MS.getOrDefault(Set.of(callerRegion, endpointRegion), 0.0);
  }

  /** Scaled round trip in ms between the caller's region and the endpoint's. */
  public double rttMs(String callerRegion, String endpointRegion) {
    return nominalRttMs(callerRegion, endpointRegion) * scale;
  }

  /** Generation speed: the catalog's nominal value in every region. */
  public double tokensPerSecond(ModelSpec model) {
    return model.nominalTokensPerSecond();
  }

  /** Scaled time between two streamed tokens, in ms. */
  public double tokenIntervalMs(ModelSpec model) {
    return 1000.0 / tokensPerSecond(model) * scale;
  }

  /** Any simulated delay (e.g. a fault's added latency) under this profile's scale. */
  public double scaled(double ms) {
    return ms * scale;
  }

  /** {@code ms} moved uniformly within +/- {@code ratio}; never negative. */
  public static double withJitter(double ms, double ratio, Random random) {
    if (ratio <= 0 || ms <= 0) {
      return ms;
    }
    return Math.max(0, ms * (1 + ratio * (2 * random.nextDouble() - 1)));
  }
}
