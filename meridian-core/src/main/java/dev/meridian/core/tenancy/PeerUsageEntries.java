package dev.meridian.core.tenancy;

import java.util.function.Function;

/**
 * What another member's usage counter must look like before this node counts it (the Hazelcast map
 * {@code meridian-usage}, one entry per counter and member, see {@link UsageLimiter}). Any member can
 * write that map, and a count there turns into 429s for a client everywhere, so an entry is refused
 * unless it names a configured key, a counter kind {@link UsageLimiter} writes and a period around this
 * node's present, with a whole, non-negative value; values above what an honest node can reach (its
 * key's limit, twice the limit for tokens and dollars, which overshoot by what is in flight) are capped
 * there. Who wrote it is checked by the caller, which knows the cluster's members.
 */
public final class PeerUsageEntries {
  /** The outcome: the value to count, or why the entry is not counted. */
  public record Checked(long value, String problem) {
    static Checked refused(String problem) {
      return new Checked(0, problem);
    }

    public boolean accepted() {
      return problem == null;
    }
  }

  private static final long MINUTE_MS = 60_000;

  private PeerUsageEntries() {}

  /**
   * @param counterId the entry's key without its {@code @member} suffix, e.g. {@code team|r|28333333}
   * @param value the entry's value as read from the map: anything a member can write
   * @param keyNamed the configured key of a name, null when there is none
   * @param nowMs this node's clock
   */
  public static Checked check(String counterId, Object value, Function<String, ClientKey> keyNamed, long nowMs) {
    if (!(value instanceof Long count) || count < 0) {
      return Checked.refused("value is not a non-negative whole number");
    }
    String[] parts = counterId.split("\\|", -1);
    if (parts.length != 3) {
      return Checked.refused("not a counter id");
    }
    ClientKey key = keyNamed.apply(parts[0]);
    if (key == null) {
      return Checked.refused("no configured key of that name");
    }
    long period;
    try {
      period = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return Checked.refused("period is not a number");
    }
    String kind = parts[1];
    long minute = Math.floorDiv(nowMs, MINUTE_MS);
    switch (kind) {
      case "r":
      case "a":
        return near(period, minute) ? capped(count, key.requestsPerMinute()) : Checked.refused("not this minute");
      case "h":
        if (!near(period, minute)) {
          return Checked.refused("not this minute");
        }
        return count <= 1 ? new Checked(count, null) : Checked.refused("hunger is 0 or 1");
      case "t":
        return near(period, minute) ? capped(count, 2 * key.tokensPerMinute()) : Checked.refused("not this minute");
      default:
        return spend(kind, period, count, key, nowMs);
    }
  }

  private static Checked spend(String kind, long period, long micros, ClientKey key, long nowMs) {
    BudgetPeriod budgetPeriod;
    if (kind.equals("$" + BudgetPeriod.DAY.id())) {
      budgetPeriod = BudgetPeriod.DAY;
    } else if (kind.equals("$" + BudgetPeriod.MONTH.id())) {
      budgetPeriod = BudgetPeriod.MONTH;
    } else {
      return Checked.refused("not a counter kind");
    }
    if (!near(period, budgetPeriod.periodId(nowMs))) {
      return Checked.refused("not the current budget period");
    }
    return capped(micros, 2 * Math.round(key.budgetDollars() * 1_000_000));
  }

  /** The current period or a neighbour: clocks differ a little, and a period turns over mid-sync. */
  private static boolean near(long period, long current) {
    return Math.abs(period - current) <= 1;
  }

  /** A limit of 0 means none, so any count is possible. */
  private static Checked capped(long value, long limit) {
    return new Checked(limit > 0 ? Math.min(value, limit) : value, null);
  }
}
