package dev.meridian.core.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Decides which node of a region probes which endpoint, so each endpoint is probed once per interval
 * per region however many routers the region runs.
 *
 * <p>Rendezvous (highest-random-weight) hashing: every node computes the same owner from the same
 * member list with no coordination, and when a node leaves only the endpoints it owned move.
 */
public final class ProbeOwnership {
  private ProbeOwnership() {}

  /** The member that owns {@code endpointKey}, or null when there are no members. */
  public static String ownerOf(String endpointKey, Collection<String> memberIds) {
    String owner = null;
    long best = Long.MIN_VALUE;
    for (String member : memberIds) {
      long weight = weight(endpointKey, member);
      if (owner == null || weight > best || (weight == best && member.compareTo(owner) < 0)) {
        owner = member;
        best = weight;
      }
    }
    return owner;
  }

  public static boolean owns(String memberId, String endpointKey, Collection<String> memberIds) {
    return memberId.equals(ownerOf(endpointKey, memberIds));
  }

  static long weight(String key, String member) {
    long hash = 0xcbf29ce484222325L; // FNV-1a offset basis
    hash = fnv(hash, key.getBytes(StandardCharsets.UTF_8));
    hash = fnv(hash, new byte[] {0});
    hash = fnv(hash, member.getBytes(StandardCharsets.UTF_8));
    // FNV alone clusters on similar inputs; a final avalanche spreads them (SplitMix64 finaliser).
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    hash *= 0xc4ceb9fe1a85ec53L;
    hash ^= hash >>> 33;
    return hash;
  }

  private static long fnv(long hash, byte[] bytes) {
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
