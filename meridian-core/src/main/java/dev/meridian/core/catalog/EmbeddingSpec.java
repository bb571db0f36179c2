package dev.meridian.core.catalog;

import java.util.List;

/**
 * What an embedding model returns and accepts.
 *
 * @param dimensions the vector length when the request does not ask for one
 * @param allowedDimensions the lengths a request may ask for ({@code dimensions}); empty: only the default
 * @param maxInputs the most inputs one request may carry (the provider's batch limit)
 */
public record EmbeddingSpec(int dimensions, List<Integer> allowedDimensions, int maxInputs) {
  public EmbeddingSpec {
    if (dimensions <= 0) {
      throw new CatalogException("embedding dimensions must be positive, not " + dimensions);
    }
    if (maxInputs <= 0) {
      throw new CatalogException("embedding maxInputs must be positive, not " + maxInputs);
    }
    allowedDimensions = List.copyOf(allowedDimensions);
  }

  /** Whether a request may ask for vectors of {@code requested} length. */
  public boolean allows(int requested) {
    return requested == dimensions || allowedDimensions.contains(requested);
  }
}
