package dev.meridian.core.health;

import java.util.Objects;

/**
 * Who observed which endpoint: the probing router's region, the model, and the endpoint's region.
 * The same endpoint looks different from different regions (distance), so each region keeps its own
 * view and routes on it.
 */
public record HealthKey(String observerRegion, String model, String endpointRegion) {
  private static final char SEPARATOR = '|';

  public HealthKey {
    Objects.requireNonNull(observerRegion, "observerRegion");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(endpointRegion, "endpointRegion");
    if (observerRegion.indexOf(SEPARATOR) >= 0
        || model.indexOf(SEPARATOR) >= 0
        || endpointRegion.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("health key parts may not contain '|'");
    }
  }

  /** The cluster map key, e.g. {@code us-east|glm-5|ap-southeast}. */
  public String asString() {
    return observerRegion + SEPARATOR + model + SEPARATOR + endpointRegion;
  }

  public static HealthKey parse(String text) {
    int first = text.indexOf(SEPARATOR);
    int last = text.lastIndexOf(SEPARATOR);
    if (first <= 0 || last == first || last == text.length() - 1) {
      throw new IllegalArgumentException("not a health key: " + text);
    }
    return new HealthKey(
        text.substring(0, first), text.substring(first + 1, last), text.substring(last + 1));
  }

  @Override
  public String toString() {
    return asString();
  }
}
