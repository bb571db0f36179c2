package dev.meridian.health;

import java.util.List;
import java.util.Objects;

/** A router without a cluster: the only member of its region, so it owns every endpoint. */
public final class SingleNodeMembership implements RegionMembership {
  public static final String LOCAL_MEMBER_ID = "local";

  private final String region;

  public SingleNodeMembership(String region) {
    this.region = Objects.requireNonNull(region, "region");
  }

  @Override
  public String localMemberId() {
    return LOCAL_MEMBER_ID;
  }

  @Override
  public List<String> membersOf(String region) {
    return this.region.equals(region) ? List.of(LOCAL_MEMBER_ID) : List.of();
  }

  @Override
  public void onChange(Runnable listener) {
    // Membership never changes.
  }
}
