package dev.meridian.launcher;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.meridian.core.tenancy.UsageLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the client-key counts of every node through the Hazelcast map {@value #MAP_NAME}, so limits
 * and budgets hold across nodes and regions. Off the request path: the router asks its local
 * {@link UsageLimiter}; this class only feeds it.
 *
 * <p>Each node writes its own absolute counts and request allowances under {@code <counter>@<member>}
 * (a lost or repeated write cannot double-count, and a restarted node's old counts stay until they
 * expire), and mirrors every entry through a listener. Ticks are aligned to the wall clock, so the
 * nodes rebalance together, each on what the others published the round before, then publish.
 */
final class ClusterUsageSync implements UsageLimiter.ClusterView {
  static final String MAP_NAME = "meridian-usage";
  private static final ConcurrentHashMap<String, Long> EMPTY = new ConcurrentHashMap<>();
  private static final Logger LOG = LoggerFactory.getLogger(ClusterUsageSync.class);

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final UsageLimiter limiter;
  private final long intervalMs;
  /** counter id -> member -> that member's last published value. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Long>> mirror = new ConcurrentHashMap<>();
  private volatile IMap<String, Long> map;
  private volatile int nodes = 1;
  private volatile int selfIndex;
  /** Live members, sorted: the same order on every node. */
  private volatile List<String> members = List.of();
  private long timer = -1;
  private volatile boolean stopped;

  ClusterUsageSync(Vertx vertx, HazelcastInstance hazelcast, UsageLimiter limiter, long intervalMs) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.limiter = limiter;
    this.intervalMs = Math.max(50, intervalMs);
  }

  Future<Void> start() {
    return vertx
        .executeBlocking(() -> {
          IMap<String, Long> usage = hazelcast.getMap(MAP_NAME);
          // Listen first, then read: an entry written in between arrives at least once.
          usage.addEntryListener(new Listener(), true);
          for (Map.Entry<String, Long> entry : usage.entrySet()) {
            apply(entry.getKey(), entry.getValue());
          }
          map = usage;
          return null;
        })
        .onSuccess(v -> {
          refreshMembers();
          limiter.rebalance(this, System.currentTimeMillis());
          scheduleNextTick();
          LOG.info("usage sync started: {} counters loaded from map {}, every {} ms", mirror.size(), MAP_NAME, intervalMs);
        })
        .mapEmpty();
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void scheduleNextTick() {
    if (stopped) {
      return;
    }
    long now = System.currentTimeMillis();
    long next = (now / intervalMs + 1) * intervalMs;
    timer = vertx.setTimer(Math.max(1, next - now), id -> {
      try {
        refreshMembers();
        limiter.rebalance(this, System.currentTimeMillis());
        publish();
      } catch (RuntimeException e) {
        LOG.warn("usage sync tick failed: {}", e.toString());
      }
      scheduleNextTick();
    });
  }

  private void publish() {
    IMap<String, Long> usage = map;
    if (usage == null || !hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    long now = System.currentTimeMillis();
    for (UsageLimiter.Counter counter : limiter.changedCounters(now)) {
      long ttl = Math.max(1_000, counter.expiresAtMs() - now);
      usage.setAsync(counter.id() + "@" + self(), counter.value(), ttl, TimeUnit.MILLISECONDS)
          .whenComplete((ok, error) -> {
            if (error != null) {
              LOG.debug("publishing usage counter {} failed: {}", counter.id(), error.toString());
            }
          });
    }
  }

  /**
   * This member's id, read every time: Hazelcast gives a member a new UUID when its side of a split
   * merges into the other, and counts published or skipped under the old one would be another node's.
   */
  private String self() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  private void refreshMembers() {
    List<String> ids = new ArrayList<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      ids.add(member.getUuid().toString());
    }
    ids.sort(null);
    members = List.copyOf(ids);
    int index = ids.indexOf(self());
    nodes = Math.max(1, ids.size());
    selfIndex = Math.max(0, index);
  }

  @Override
  public int nodes() {
    return nodes;
  }

  @Override
  public int selfIndex() {
    return selfIndex;
  }

  @Override
  public long othersTotal(String counterId) {
    Map<String, Long> byMember = mirror.get(counterId);
    if (byMember == null) {
      return 0;
    }
    long sum = 0;
    for (Map.Entry<String, Long> entry : byMember.entrySet()) {
      if (!entry.getKey().equals(self())) {
        sum += entry.getValue();
      }
    }
    return sum;
  }

  @Override
  public long othersReserved(String counterId, long limit) {
    Map<String, Long> byMember = mirror.getOrDefault(counterId, EMPTY);
    List<String> live = members;
    long sum = 0;
    for (int index = 0; index < live.size(); index++) {
      String member = live.get(index);
      if (!member.equals(self())) {
        Long published = byMember.get(member);
        sum += published != null ? published : UsageLimiter.share(limit, live.size(), index);
      }
    }
    // A member that left keeps its reservation until it expires: safe, and over at the minute's end.
    for (Map.Entry<String, Long> entry : byMember.entrySet()) {
      if (!entry.getKey().equals(self()) && !live.contains(entry.getKey())) {
        sum += entry.getValue();
      }
    }
    return sum;
  }

  @Override
  public java.util.BitSet othersFlagged(String counterId) {
    java.util.BitSet flagged = new java.util.BitSet();
    Map<String, Long> byMember = mirror.get(counterId);
    if (byMember == null) {
      return flagged;
    }
    List<String> live = members;
    for (int index = 0; index < live.size(); index++) {
      Long value = byMember.get(live.get(index));
      if (value != null && value != 0 && !live.get(index).equals(self())) {
        flagged.set(index);
      }
    }
    return flagged;
  }

  private void apply(String key, Long value) {
    int at = key.lastIndexOf('@');
    if (at <= 0 || value == null) {
      return;
    }
    mirror.computeIfAbsent(key.substring(0, at), id -> new ConcurrentHashMap<>()).put(key.substring(at + 1), value);
  }

  private void forget(String key) {
    int at = key.lastIndexOf('@');
    if (at <= 0) {
      return;
    }
    String counterId = key.substring(0, at);
    Map<String, Long> byMember = mirror.get(counterId);
    if (byMember != null) {
      byMember.remove(key.substring(at + 1));
      if (byMember.isEmpty()) {
        mirror.remove(counterId, byMember);
      }
    }
  }

  /** Runs on Hazelcast event threads; the mirror is concurrent. */
  private final class Listener
      implements EntryAddedListener<String, Long>,
          EntryUpdatedListener<String, Long>,
          EntryMergedListener<String, Long>,
          EntryRemovedListener<String, Long>,
          EntryExpiredListener<String, Long> {
    @Override
    public void entryAdded(EntryEvent<String, Long> event) {
      apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, Long> event) {
      apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryMerged(EntryEvent<String, Long> event) {
      apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, Long> event) {
      forget(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, Long> event) {
      forget(event.getKey());
    }
  }

}
