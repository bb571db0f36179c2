package dev.meridian.core.catalog;

import java.util.Locale;

/** Price tiers, cheapest first; {@code auto} routing walks them in this order. */
public enum Tier {
  ULTRA_BUDGET("ultra-budget"),
  BUDGET("budget"),
  MID_RANGE("mid-range"),
  PREMIUM("premium");

  private final String id;

  Tier(String id) {
    this.id = id;
  }

  /** The name used in catalog files and in a request's {@code model} field. */
  public String id() {
    return id;
  }

  /** Returns the tier called {@code name}, or null when no tier has that name. */
  public static Tier fromId(String name) {
    if (name == null) {
      return null;
    }
    String wanted = name.toLowerCase(Locale.ROOT);
    for (Tier tier : values()) {
      if (tier.id.equals(wanted)) {
        return tier;
      }
    }
    return null;
  }
}
