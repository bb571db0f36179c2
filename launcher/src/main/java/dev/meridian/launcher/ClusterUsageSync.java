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
import dev.meridian.core.tenancy.ClientKey;
import dev.meridian.core.tenancy.PeerUsageEntries;
import dev.meridian.core.tenancy.UsageLimiter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
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
 *
 * <p>Any member can write the map, so an entry counts only when it names a member this node has seen
 * in the cluster, was written by that member (when the event says who wrote it), and passes {@link
 * PeerUsageEntries#check}: a configured key, a known counter, a current period, a sane value.
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
  private final Function<String, ClientKey> keyNamed;
  /** Members seen in the cluster since this node joined: a departed member's counts still count. */
  private final Set<String> seenMembers = ConcurrentHashMap.newKeySet();
  private volatile IMap<String, Object> map;
  private volatile int nodes = 1;
  private volatile int selfIndex;
  /** Live members, sorted: the same order on every node. */
  private volatile List<String> members = List.of();
  private long timer = -1;
  private final Promise<Void> settled = Promise.promise();
  private int ticks;
  private volatile boolean stopped;

  ClusterUsageSync(
      Vertx vertx, HazelcastInstance hazelcast, UsageLimiter limiter, Function<String, ClientKey> keyNamed, long intervalMs) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.limiter = limiter;
    this.keyNamed = keyNamed;
    this.intervalMs = Math.max(50, intervalMs);
  }

  Future<Void> start() {
    return vertx
        .executeBlocking(() -> {
          IMap<String, Object> usage = hazelcast.getMap(MAP_NAME);
          refreshMembers();
          // Listen first, then read: an entry written in between arrives at least once.
          usage.addEntryListener(new Listener(), true);
          for (Map.Entry<String, Object> entry : usage.entrySet()) {
            apply(entry.getKey(), entry.getValue(), null);
          }
          map = usage;
          return null;
        })
        .onSuccess(v -> {
          refreshMembers();
          limiter.rebalance(this, System.currentTimeMillis());
          settleIfServing();
          scheduleNextTick();
          LOG.info("usage sync started: {} counters loaded from map {}, every {} ms", mirror.size(), MAP_NAME, intervalMs);
        })
        .mapEmpty();
  }

  /**
   * Completes once this node holds a request allowance for every key whose limit the others had
   * reserved when it joined (a few sync intervals), or after {@value #SETTLE_TICKS} ticks at most: the
   * node is not ready before, or its first clients would get 429s while the cluster still has room.
   */
  Future<Void> settled() {
    return settled.future();
  }

  static final int SETTLE_TICKS = 10;

  private void settleIfServing() {
    if (!settled.future().isComplete()
        && (ticks >= SETTLE_TICKS || !limiter.waitingForAllowance(System.currentTimeMillis()))) {
      if (ticks >= SETTLE_TICKS) {
        LOG.info("usage sync: still waiting for a request allowance after {} syncs, ready anyway", ticks);
      }
      settled.tryComplete();
    }
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
        ticks++;
        settleIfServing();
      } catch (RuntimeException e) {
        LOG.warn("usage sync tick failed: {}", e.toString());
      }
      scheduleNextTick();
    });
  }

  private void publish() {
    IMap<String, Object> usage = map;
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
    seenMembers.addAll(ids);
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

  /**
   * @param writer the member whose write fired the event; null when loading the map, which says none
   */
  private void apply(Object rawKey, Object value, Member writer) {
    if (!(rawKey instanceof String key)) {
      return;
    }
    int at = key.lastIndexOf('@');
    if (at <= 0) {
      return;
    }
    String counterId = key.substring(0, at);
    String member = key.substring(at + 1);
    String problem = null;
    PeerUsageEntries.Checked checked = null;
    if (!seenMembers.contains(member) && !isMember(member)) {
      problem = "not written under a member of the cluster";
    } else if (writer != null && !writer.getUuid().toString().equals(member)) {
      problem = "written by another member than the one it names";
    } else {
      checked = PeerUsageEntries.check(counterId, value, keyNamed, System.currentTimeMillis());
      problem = checked.problem();
    }
    if (problem != null) {
      LOG.debug("ignoring usage entry {}: {}", key.length() > 200 ? key.substring(0, 200) + "..." : key, problem);
      return;
    }
    mirror.computeIfAbsent(counterId, id -> new ConcurrentHashMap<>()).put(member, checked.value());
  }

  /** Whether the id is a member now: one that joined since the last tick is already counted. */
  private boolean isMember(String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (member.getUuid().equals(uuid)) {
        seenMembers.add(id);
        return true;
      }
    }
    return false;
  }

  /** @param remover who removed it, null for an expiry: one member cannot drop another's counts */
  private void forget(Object rawKey, Member remover) {
    if (!(rawKey instanceof String key)) {
      return;
    }
    int at = key.lastIndexOf('@');
    if (at <= 0 || (remover != null && !remover.getUuid().toString().equals(key.substring(at + 1)))) {
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
      implements EntryAddedListener<Object, Object>,
          EntryUpdatedListener<Object, Object>,
          EntryMergedListener<Object, Object>,
          EntryRemovedListener<Object, Object>,
          EntryExpiredListener<Object, Object> {
    @Override
    public void entryAdded(EntryEvent<Object, Object> event) {
      apply(event.getKey(), event.getValue(), event.getMember());
    }

    @Override
    public void entryUpdated(EntryEvent<Object, Object> event) {
      apply(event.getKey(), event.getValue(), event.getMember());
    }

    @Override
    public void entryMerged(EntryEvent<Object, Object> event) {
      apply(event.getKey(), event.getValue(), event.getMember());
    }

    @Override
    public void entryRemoved(EntryEvent<Object, Object> event) {
      forget(event.getKey(), event.getMember());
    }

    @Override
    public void entryExpired(EntryEvent<Object, Object> event) {
      forget(event.getKey(), null);
    }
  }

}
