package dev.meridian.core.tenancy;

import dev.meridian.core.openai.OpenAiError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key request, token and dollar limits, held for the whole cluster without a remote call per
 * request. Each node counts what it admits; every sync interval it takes in what the other nodes
 * published ({@link #rebalance}) and publishes its own state ({@link #changedCounters}).
 *
 * <p>Requests per minute are split by reservation. Each node holds an allowance, the count it may reach
 * this minute (an even split when the minute starts), and publishes it with whether it had to refuse
 * requests. At a rebalance the unreserved rest goes to the nodes that refused requests, and while any
 * did, the others hand back half of their unused allowance. Allowances never add up to more than the
 * limit as long as every node sees the others' state of the previous round (one sync interval of
 * propagation), so the cluster does not overshoot; a node that joins mid-minute and finds the limit
 * reserved counts as hungry at once, so it holds a part within a few sync intervals; a node the others hear from late can overshoot by at
 * most its own growth during the delay (docs/security.md). Tokens and dollars
 * are known only once a response ends, so they are checked against the last known cluster total and can
 * overshoot by what is in flight plus one interval of the other nodes' use. Windows are calendar
 * minutes (UTC) and budget periods calendar days or months (UTC), so every node agrees on when they
 * reset.
 *
 * <p>Thread-safe: router instances on several event loops admit and charge concurrently; each key's
 * counts sit behind their own short lock.
 */
public final class UsageLimiter {
  /** What the other nodes sharing the limits have published. */
  public interface ClusterView {
    /** Nodes sharing the limits, this one included; at least 1. */
    int nodes();

    /** This node's position among them (0-based), the same order on every node. */
    int selfIndex();

    /** The sum of the other nodes' published values of one counter; 0 when none. */
    long othersTotal(String counterId);

    /**
     * The sum of the other nodes' published request allowances for one counter, counting a node that
     * has published none yet at its even split of {@code limit} (what every node starts a minute with).
     */
    long othersReserved(String counterId, long limit);

    /** The positions (as in {@link #selfIndex}) of the other nodes whose published value is not zero. */
    java.util.BitSet othersFlagged(String counterId);
  }

  /** A node on its own: nothing to share with. */
  public static final ClusterView ALONE =
      new ClusterView() {
        @Override
        public int nodes() {
          return 1;
        }

        @Override
        public int selfIndex() {
          return 0;
        }

        @Override
        public long othersTotal(String counterId) {
          return 0;
        }

        @Override
        public long othersReserved(String counterId, long limit) {
          return 0;
        }

        @Override
        public java.util.BitSet othersFlagged(String counterId) {
          return new java.util.BitSet();
        }
      };

  /** One of this node's counts, to publish: an absolute value, so a lost or repeated write is harmless. */
  public record Counter(String id, long value, long expiresAtMs) {}

  private static final long MINUTE_MS = 60_000;
  private static final double MICROS_PER_DOLLAR = 1_000_000;

  private final ConcurrentHashMap<String, KeyUsage> usage = new ConcurrentHashMap<>();
  private volatile int nodes = 1;
  private volatile int selfIndex;

  /** @param keys the configured keys: their counts are followed from the start, used here or not */
  public UsageLimiter(java.util.Collection<ClientKey> keys) {
    for (ClientKey key : keys) {
      usage.put(key.name(), new KeyUsage(key));
    }
  }

  /**
   * Follows these keys from now on (a reloaded keys file): new keys get counts, changed limits apply
   * from the next sync; counts of keys that stay carry on.
   */
  public void follow(java.util.Collection<ClientKey> keys) {
    for (ClientKey key : keys) {
      usage(key).reconfigure(key);
    }
  }

  public Admission admit(ClientKey key, long estimatedTokens, long nowMs) {
    return usage(key).admit(key, Math.max(0, estimatedTokens), nowMs);
  }

  /**
   * Gives back the request an admitted request used of its key's requests per minute, when the router
   * refused it for its own reasons (no healthy endpoint, every provider failing or throttling): a
   * client must not lose quota to Meridian's or a provider's trouble. A refund for an earlier minute
   * than the current one changes nothing.
   */
  public void refund(ClientKey key, long admittedAtMs, long nowMs) {
    usage(key).refund(key, admittedAtMs, nowMs);
  }

  /** Adds what a finished request used. */
  public void charge(ClientKey key, long tokens, double dollars, long nowMs) {
    usage(key).charge(key, Math.max(0, tokens), Math.max(0, Math.round(dollars * MICROS_PER_DOLLAR)), nowMs);
  }

  /** Dollars this key has spent in its current budget period, on all nodes as far as known. */
  public double spentDollars(ClientKey key, long nowMs) {
    return usage(key).spentMicros(key, nowMs) / MICROS_PER_DOLLAR;
  }

  /** Where one key stands, as far as this node knows (for the status page). */
  public record KeyStatus(
      String name,
      long requestsPerMinute,
      long requestsThisMinute,
      long allowanceHere,
      long tokensPerMinute,
      long tokensThisMinute,
      double budgetDollars,
      String budgetPeriod,
      double spentDollars) {}

  /** Every key this node follows, sorted by name. */
  public List<KeyStatus> status(long nowMs) {
    List<KeyStatus> all = new ArrayList<>();
    for (KeyUsage keyUsage : usage.values()) {
      all.add(keyUsage.status(nowMs));
    }
    all.sort(java.util.Comparator.comparing(KeyStatus::name));
    return all;
  }

  /** This node's counts that changed since the last call, as absolute values. */
  public List<Counter> changedCounters(long nowMs) {
    List<Counter> changed = new ArrayList<>();
    for (KeyUsage keyUsage : usage.values()) {
      keyUsage.collectChanged(changed, nowMs);
    }
    return changed;
  }

  /** Takes in the other nodes' counts and recomputes this node's request shares. */
  public void rebalance(ClusterView view, long nowMs) {
    nodes = Math.max(1, view.nodes());
    selfIndex = Math.max(0, Math.min(view.selfIndex(), nodes - 1));
    for (KeyUsage keyUsage : usage.values()) {
      keyUsage.rebalance(view, nodes, selfIndex, nowMs);
    }
  }

  /**
   * Whether some key has no request allowance here because the other nodes reserve its whole limit
   * (this node joined mid-minute) and waits for them to hand part of it back: a node that serves now
   * refuses that key's requests.
   */
  public boolean waitingForAllowance(long nowMs) {
    for (KeyUsage keyUsage : usage.values()) {
      if (keyUsage.starved(nowMs)) {
        return true;
      }
    }
    return false;
  }

  private KeyUsage usage(ClientKey key) {
    KeyUsage found = usage.get(key.name());
    return found != null ? found : usage.computeIfAbsent(key.name(), name -> new KeyUsage(key));
  }

  /** {@code remaining} split over {@code nodes}: equal parts, the remainder to the lowest indexes. */
  public static long share(long remaining, int nodes, int index) {
    if (remaining <= 0) {
      return 0;
    }
    return remaining / nodes + (index < remaining % nodes ? 1 : 0);
  }

  static String requestsId(String name, long minute) {
    return name + "|r|" + minute;
  }

  static String allowanceId(String name, long minute) {
    return name + "|a|" + minute;
  }

  static String hungerId(String name, long minute) {
    return name + "|h|" + minute;
  }

  static String tokensId(String name, long minute) {
    return name + "|t|" + minute;
  }

  static String spendId(String name, BudgetPeriod period, long periodId) {
    return name + "|$" + period.id() + "|" + periodId;
  }

  /** OpenAI's duration style for the reset headers: {@code 1m5s}, {@code 12s}. */
  static String duration(long seconds) {
    seconds = Math.max(0, seconds);
    return seconds >= 60 ? (seconds / 60) + "m" + (seconds % 60) + "s" : seconds + "s";
  }

  private final class KeyUsage {
    final String name;
    /** The key as last configured (a reload can change its limits). */
    ClientKey key;
    long minute = Long.MIN_VALUE;
    long localRequests;
    long localTokens;
    long othersRequests;
    long othersTokens;
    /** This node's request count may reach this within the current minute. */
    long requestAllowance;
    long budgetPeriodId = Long.MIN_VALUE;
    BudgetPeriod budgetPeriod;
    long localSpentMicros;
    long othersSpentMicros;
    boolean requestsChanged;
    boolean allowanceChanged;
    /** Refused a request for want of allowance since the last rebalance. */
    boolean refusedThisRound;
    /**
     * Cut to no headroom because the others reserve the whole limit (this node joined mid-minute, or
     * the membership changed): hungry until an allowance comes back, without refusing a request first.
     */
    boolean starved;
    /** Whether the last published round was hungry: what the other nodes act on. */
    boolean hungryPublished;
    boolean hungerChanged;
    boolean tokensChanged;
    boolean spendChanged;

    KeyUsage(ClientKey key) {
      this.name = key.name();
      this.key = key;
    }

    synchronized void refund(ClientKey key, long admittedAtMs, long nowMs) {
      roll(key, nowMs);
      if (admittedAtMs / MINUTE_MS == minute && localRequests > 0) {
        localRequests--;
        requestsChanged = true;
      }
    }

    synchronized Admission admit(ClientKey key, long estimatedTokens, long nowMs) {
      if (key != this.key) {
        reconfigure(key);
      }
      roll(key, nowMs);
      long secondsToMinuteEnd = ceilSeconds((minute + 1) * MINUTE_MS - nowMs);
      Map<String, String> headers = new LinkedHashMap<>(8);
      long budgetMicros = Math.round(key.budgetDollars() * MICROS_PER_DOLLAR);
      if (budgetMicros > 0 && localSpentMicros + othersSpentMicros >= budgetMicros) {
        long wait = ceilSeconds(key.budgetPeriod().endMs(nowMs) - nowMs);
        return refuse(
            "budget",
            "insufficient_quota",
            String.format(
                Locale.ROOT,
                "API key '%s' has spent its budget of $%.2f for this %s (spent $%.4f); it resets at 00:00 UTC%s.",
                name, key.budgetDollars(), key.budgetPeriod().id(),
                (localSpentMicros + othersSpentMicros) / MICROS_PER_DOLLAR,
                key.budgetPeriod() == BudgetPeriod.MONTH ? " on the 1st" : ""),
            wait,
            headers);
      }
      long rpm = key.requestsPerMinute();
      long clusterRequests = localRequests + othersRequests;
      if (rpm > 0) {
        headers.put("x-ratelimit-limit-requests", Long.toString(rpm));
        headers.put("x-ratelimit-reset-requests", duration(secondsToMinuteEnd));
      }
      long tpm = key.tokensPerMinute();
      long clusterTokens = localTokens + othersTokens;
      if (tpm > 0) {
        headers.put("x-ratelimit-limit-tokens", Long.toString(tpm));
        headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, tpm - clusterTokens)));
        headers.put("x-ratelimit-reset-tokens", duration(secondsToMinuteEnd));
      }
      if (rpm > 0 && localRequests + 1 > requestAllowance) {
        headers.put("x-ratelimit-remaining-requests", Long.toString(Math.max(0, rpm - clusterRequests)));
        boolean clusterFull = clusterRequests + 1 > rpm;
        refusedThisRound = true;
        // When only this node's share is used up, the next rebalance (a sync interval) brings more.
        long wait = clusterFull ? secondsToMinuteEnd : 1;
        return refuse(
            "requests",
            "rate_limit_exceeded",
            "Rate limit reached for API key '" + name + "': " + rpm + " requests per minute. Retry after "
                + wait + " s.",
            wait,
            headers);
      }
      if (tpm > 0 && clusterTokens + estimatedTokens > tpm) {
        String why =
            estimatedTokens > tpm
                ? "this request needs about " + estimatedTokens + " tokens, more than the key's " + tpm
                    + " tokens per minute; shorten the prompt or lower max_tokens"
                : tpm + " tokens per minute (used " + clusterTokens + ", this request needs about "
                    + estimatedTokens + ")";
        return refuse(
            "tokens", "rate_limit_exceeded", "Rate limit reached for API key '" + name + "': " + why + ".",
            secondsToMinuteEnd, headers);
      }
      localRequests++;
      requestsChanged = true;
      if (rpm > 0) {
        headers.put("x-ratelimit-remaining-requests",
            Long.toString(Math.max(0, Math.min(rpm - clusterRequests, requestAllowance - localRequests + 1) - 1)));
      }
      return new Admission(null, -1, headers);
    }

    private Admission refuse(String limit, String code, String message, long wait, Map<String, String> headers) {
      OpenAiError error =
          new OpenAiError(429, code.equals("insufficient_quota") ? "insufficient_quota" : OpenAiError.RATE_LIMIT,
              code, message, limit);
      return new Admission(error, Math.max(1, wait), headers);
    }

    synchronized void charge(ClientKey key, long tokens, long micros, long nowMs) {
      roll(key, nowMs);
      if (tokens > 0) {
        localTokens += tokens;
        tokensChanged = true;
      }
      if (micros > 0) {
        localSpentMicros += micros;
        spendChanged = true;
      }
    }

    synchronized void reconfigure(ClientKey configured) {
      if (configured.requestsPerMinute() != key.requestsPerMinute() && minute != Long.MIN_VALUE) {
        // A new limit: restart from this node's even split of it; the next sync corrects the rest.
        requestAllowance = Math.max(localRequests, share(configured.requestsPerMinute(), nodes, selfIndex));
        allowanceChanged = true;
      }
      key = configured;
    }

    synchronized KeyStatus status(long nowMs) {
      roll(key, nowMs);
      return new KeyStatus(name, key.requestsPerMinute(), localRequests + othersRequests,
          key.requestsPerMinute() > 0 ? requestAllowance : -1, key.tokensPerMinute(), localTokens + othersTokens,
          key.budgetDollars(), key.budgetPeriod().id(), (localSpentMicros + othersSpentMicros) / MICROS_PER_DOLLAR);
    }

    synchronized boolean starved(long nowMs) {
      return starved && Math.floorDiv(nowMs, MINUTE_MS) == minute;
    }

    synchronized long spentMicros(ClientKey key, long nowMs) {
      roll(key, nowMs);
      return localSpentMicros + othersSpentMicros;
    }

    synchronized void collectChanged(List<Counter> out, long nowMs) {
      long minuteCountersExpire = (minute + 3) * MINUTE_MS;
      if (requestsChanged) {
        out.add(new Counter(requestsId(name, minute), localRequests, minuteCountersExpire));
        requestsChanged = false;
      }
      if (allowanceChanged) {
        out.add(new Counter(allowanceId(name, minute), requestAllowance, minuteCountersExpire));
        allowanceChanged = false;
      }
      if (hungerChanged) {
        out.add(new Counter(hungerId(name, minute), hungryPublished ? 1 : 0, minuteCountersExpire));
        hungerChanged = false;
      }
      if (tokensChanged) {
        out.add(new Counter(tokensId(name, minute), localTokens, minuteCountersExpire));
        tokensChanged = false;
      }
      if (spendChanged && budgetPeriod != null) {
        long expires = budgetPeriod.endMs(nowMs) + 86_400_000L;
        out.add(new Counter(spendId(name, budgetPeriod, budgetPeriodId), localSpentMicros, expires));
        spendChanged = false;
      }
    }

    synchronized void rebalance(ClusterView view, int nodes, int selfIndex, long nowMs) {
      // Rolled here too, so a key first used on this node mid-minute already knows what others spent.
      roll(key, nowMs);
      othersRequests = view.othersTotal(requestsId(name, minute));
      othersTokens = view.othersTotal(tokensId(name, minute));
      if (budgetPeriod != null) {
        othersSpentMicros = view.othersTotal(spendId(name, budgetPeriod, budgetPeriodId));
      }
      long rpm = key.requestsPerMinute();
      if (rpm > 0) {
        long allowance = nextAllowance(view, nodes, selfIndex, rpm);
        if (allowance != requestAllowance) {
          requestAllowance = allowance;
          allowanceChanged = true;
        }
        starved = starved && requestAllowance <= localRequests;
      }
      // What this round showed is what the others will act on next round.
      boolean hungry = refusedThisRound || starved;
      if (hungry != hungryPublished) {
        hungryPublished = hungry;
        hungerChanged = true;
      }
      refusedThisRound = false;
    }

    /**
     * Every node works from the same numbers, what all published last round: the allowances, and who
     * had to refuse requests ("hungry"). The unreserved rest is split among the hungry nodes (among
     * all nodes when none is hungry); while some node is hungry, the others hand back half of what
     * they hold unused. No node ever grows by more than its part of the rest, so the allowances never
     * add up to more than the limit.
     */
    private long nextAllowance(ClusterView view, int nodes, int selfIndex, long rpm) {
      long reservedByOthers = view.othersReserved(allowanceId(name, minute), rpm);
      long unreserved = rpm - requestAllowance - reservedByOthers;
      if (unreserved < 0) {
        // More reserved than the limit: this node joined mid-minute, or the membership changed. With no
        // headroom left it asks for a part at once, as a node that refused would: otherwise the others,
        // hearing its empty allowance, keep the limit and its first client gets a 429.
        long cut = Math.max(localRequests, requestAllowance + unreserved);
        starved = starved || cut <= localRequests;
        return cut;
      }
      java.util.BitSet hungry = view.othersFlagged(hungerId(name, minute));
      if (hungryPublished) {
        hungry.set(selfIndex);
      }
      if (hungry.isEmpty()) {
        return requestAllowance + share(unreserved, nodes, selfIndex);
      }
      if (hungryPublished) {
        int rank = hungry.get(0, selfIndex).cardinality();
        return requestAllowance + share(unreserved, hungry.cardinality(), rank);
      }
      long unused = requestAllowance - localRequests;
      return localRequests + unused / 2;
    }

    /** Moves to the current minute and budget period, starting fresh counts when they changed. */
    private void roll(ClientKey configured, long nowMs) {
      key = configured;
      long currentMinute = Math.floorDiv(nowMs, MINUTE_MS);
      if (currentMinute != minute) {
        minute = currentMinute;
        localRequests = 0;
        localTokens = 0;
        othersRequests = 0;
        othersTokens = 0;
        // Everyone starts the minute at zero, so the even split is exact until the first rebalance.
        requestAllowance = share(key.requestsPerMinute(), nodes, selfIndex);
        allowanceChanged = key.requestsPerMinute() > 0;
        refusedThisRound = false;
        starved = false;
        hungerChanged = hungryPublished;
        hungryPublished = false;
      }
      BudgetPeriod period = key.budgetPeriod();
      long periodId = period.periodId(nowMs);
      if (period != budgetPeriod || periodId != budgetPeriodId) {
        budgetPeriod = period;
        budgetPeriodId = periodId;
        localSpentMicros = 0;
        othersSpentMicros = 0;
      }
    }
  }

  private static long ceilSeconds(long millis) {
    return Math.max(0, (millis + 999) / 1000);
  }
}
