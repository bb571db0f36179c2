package dev.meridian.health;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Region membership from the Hazelcast member list, which every member holds locally: each member
 * carries its region in the member attribute {@value #REGION_ATTRIBUTE} (set in its {@code Config}
 * before the instance starts), and a {@link MembershipListener} keeps an immutable per-region view
 * current. Member ids are Hazelcast member UUIDs, the same ids Vert.x uses as node ids.
 */
public final class HazelcastRegionMembership implements RegionMembership, AutoCloseable {
  public static final String REGION_ATTRIBUTE = "meridian.region";

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastRegionMembership.class);

  private final HazelcastInstance hazelcast;
  private final String region;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final UUID registration;
  private volatile Map<String, List<String>> byRegion = Map.of();

  /**
   * Reads the member list and starts listening; both are local operations of the member, no network.
   *
   * @param region this member's region; it counts as a member of it even if its attribute is missing
   */
  public HazelcastRegionMembership(HazelcastInstance hazelcast, String region) {
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    this.region = Objects.requireNonNull(region, "region");
    Member local = hazelcast.getCluster().getLocalMember();
    String attribute = local.getAttribute(REGION_ATTRIBUTE);
    if (!region.equals(attribute)) {
      LOG.warn(
          "member attribute {}={} does not match the configured region {}; other members will not "
              + "count this node in {}",
          REGION_ATTRIBUTE,
          attribute,
          region,
          region);
    }
    this.registration =
        hazelcast
            .getCluster()
            .addMembershipListener(
                new MembershipListener() {
                  @Override
                  public void memberAdded(MembershipEvent event) {
                    changed("joined", event.getMember());
                  }

                  @Override
                  public void memberRemoved(MembershipEvent event) {
                    changed("left", event.getMember());
                  }
                });
    refresh();
  }

  private void changed(String what, Member member) {
    refresh();
    LOG.info(
        "member {} ({}) {}; members of {} now {}",
        member.getUuid(),
        member.getAttribute(REGION_ATTRIBUTE),
        what,
        region,
        membersOf(region).size());
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("membership listener failed", e);
      }
    }
  }

  /**
   * Rebuilds the view from the live member list rather than from an event's copy, so a late event or
   * the constructor's first read can never overwrite a newer view.
   */
  private synchronized void refresh() {
    String localId = localMemberId();
    Map<String, List<String>> next = new TreeMap<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      String id = member.getUuid().toString();
      String memberRegion = id.equals(localId) ? region : member.getAttribute(REGION_ATTRIBUTE);
      if (memberRegion != null) {
        next.computeIfAbsent(memberRegion, r -> new ArrayList<>()).add(id);
      }
    }
    next.computeIfAbsent(region, r -> new ArrayList<>());
    if (!next.get(region).contains(localId)) {
      next.get(region).add(localId); // still in the list while shutting down
    }
    for (Map.Entry<String, List<String>> entry : next.entrySet()) {
      List<String> ids = entry.getValue();
      Collections.sort(ids);
      entry.setValue(List.copyOf(ids));
    }
    byRegion = Collections.unmodifiableMap(next);
  }

  /**
   * Read from Hazelcast each time: a member whose side of a split merges into the other gets a new
   * UUID, and a cached one would stay in the region's list as a member that owns probes nobody sends.
   */
  @Override
  public String localMemberId() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public List<String> membersOf(String region) {
    return byRegion.getOrDefault(region, List.of());
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops listening; a local operation. */
  @Override
  public void close() {
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getCluster().removeMembershipListener(registration);
    }
  }
}
