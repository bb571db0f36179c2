package dev.meridian.health;

import dev.meridian.core.cluster.ProbeOwnership;
import java.util.List;

/**
 * Which nodes run in a region, read locally and without blocking. Probe ownership is computed from it:
 * each endpoint is probed by exactly one node of each observer region.
 */
public interface RegionMembership {
  /** This node's id, as it appears in {@link #membersOf(String)}. */
  String localMemberId();

  /** Ids of the live members of {@code region}, sorted; empty when none. Never blocks. */
  List<String> membersOf(String region);

  /** Runs {@code listener} after every membership change, on an arbitrary thread. */
  void onChange(Runnable listener);

  /**
   * True when this node owns {@code key} among the members of {@code region} (rendezvous hashing, so
   * every member agrees without talking and a leaver's keys are the only ones that move).
   */
  default boolean isLocalOwner(String region, String key) {
    return localMemberId().equals(ProbeOwnership.ownerOf(key, membersOf(region)));
  }
}
