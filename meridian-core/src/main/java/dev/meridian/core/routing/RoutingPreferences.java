package dev.meridian.core.routing;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.tenancy.ClientKey;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What one client asks of its route, from request headers: an objective, a price ceiling, and
 * providers or regions to pin or exclude; plus what its API key allows ({@code client}, null when
 * unrestricted). Absent headers mean: lowest latency, anything goes.
 *
 * <p>Scores (lower is better), within each fallback step:
 *
 * <ul>
 *   <li>{@code latency}: the tail TTFT, p90 of this region's recent probe samples (EWMA until 5 samples);
 *   <li>{@code cost}: the output price, ties broken by tail TTFT;
 *   <li>{@code balanced}: {@code tailTtft / 400 ms + outputPrice / $1 per M}, so 400 ms of tail
 *       latency weighs the same as a dollar per million tokens. Example: DeepSeek V4 Flash at 200 ms and
 *       $0.25 scores 0.5 + 0.25 = 0.75; Kimi K2.5 at 480 ms and $3.00 scores 1.2 + 3.0 = 4.2.
 * </ul>
 */
public record RoutingPreferences(
    Objective objective,
    double maxOutputDollarsPerMillion,
    Set<String> onlyProviders,
    Set<String> excludedProviders,
    Set<String> onlyRegions,
    Set<String> excludedRegions,
    ClientKey client) {

  public static final String OBJECTIVE_HEADER = "x-meridian-objective";
  public static final String MAX_PRICE_HEADER = "x-meridian-max-price";
  public static final String PROVIDER_HEADER = "x-meridian-only-provider";
  public static final String EXCLUDE_PROVIDER_HEADER = "x-meridian-exclude-provider";
  public static final String REGION_HEADER = "x-meridian-only-region";
  public static final String EXCLUDE_REGION_HEADER = "x-meridian-exclude-region";
  /** Weight of one millisecond of tail TTFT against one dollar per million output tokens. */
  public static final double BALANCED_TTFT_REFERENCE_MS = 400;

  public enum Objective {
    LATENCY,
    COST,
    BALANCED
  }

  public static final RoutingPreferences DEFAULT =
      new RoutingPreferences(Objective.LATENCY, Double.NaN, Set.of(), Set.of(), Set.of(), Set.of(), null);

  /** @throws dev.meridian.core.openai.OpenAiException 400 naming the bad header */
  public static RoutingPreferences fromHeaders(Function<String, String> header) {
    String objectiveText = header.apply(OBJECTIVE_HEADER);
    Objective objective = Objective.LATENCY;
    if (objectiveText != null) {
      try {
        objective = Objective.valueOf(objectiveText.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw bad(OBJECTIVE_HEADER, "must be latency, cost or balanced");
      }
    }
    double maxPrice = Double.NaN;
    String priceText = header.apply(MAX_PRICE_HEADER);
    if (priceText != null) {
      try {
        maxPrice = Double.parseDouble(priceText.trim());
      } catch (NumberFormatException e) {
        maxPrice = -1;
      }
      if (!(maxPrice >= 0) || Double.isInfinite(maxPrice)) {
        throw bad(MAX_PRICE_HEADER, "must be a non-negative number of dollars per million output tokens");
      }
    }
    return new RoutingPreferences(
        objective,
        maxPrice,
        list(header.apply(PROVIDER_HEADER)),
        list(header.apply(EXCLUDE_PROVIDER_HEADER)),
        list(header.apply(REGION_HEADER)),
        list(header.apply(EXCLUDE_REGION_HEADER)),
        null);
  }

  /** The same preferences, limited to the models {@code client} may spend on (null: no limit). */
  public RoutingPreferences forClient(ClientKey client) {
    return new RoutingPreferences(
        objective, maxOutputDollarsPerMillion, onlyProviders, excludedProviders, onlyRegions, excludedRegions, client);
  }

  private static Set<String> list(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static RuntimeException bad(String header, String why) {
    return OpenAiError.invalidRequest("invalid_header", "Header " + header + " " + why + ".", header)
        .asException();
  }

  public boolean isDefault() {
    return equals(DEFAULT);
  }
}
