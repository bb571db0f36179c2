package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * When the smaller side of a split merges into the other, Hazelcast gives each of its members a new
 * UUID ("Resetting local member UUID"). The membership view must follow: a cached old id stayed in the
 * region's list as a ghost member owning a share of the probes nobody sent (seen in chaos/wan/run.sh:
 * 21 of 45 endpoints unobserved for minutes after a heal).
 */
class RegionMembershipAfterMergeTest {
  private final Set<Member> members = new LinkedHashSet<>();
  private Member local;
  private MembershipListener listener;

  @Test
  void aNewLocalUuidReplacesTheOldOneInTheRegion() {
    local = member("ap-southeast");
    Member other = member("us-east");
    members.add(local);
    HazelcastRegionMembership membership = new HazelcastRegionMembership(fakeHazelcast(), "ap-southeast");
    assertThat(membership.membersOf("ap-southeast")).containsExactly(local.getUuid().toString());

    // The merge: this member comes back with a new UUID and sees the other side's members join.
    String oldId = local.getUuid().toString();
    members.clear();
    local = member("ap-southeast");
    members.add(local);
    members.add(other);
    listener.memberAdded(new MembershipEvent(fakeCluster(), other, MembershipEvent.MEMBER_ADDED, members));

    assertThat(membership.localMemberId()).isEqualTo(local.getUuid().toString()).isNotEqualTo(oldId);
    assertThat(membership.membersOf("ap-southeast")).containsExactly(local.getUuid().toString());
    assertThat(membership.membersOf("us-east")).containsExactly(other.getUuid().toString());
  }

  private HazelcastInstance fakeHazelcast() {
    Cluster cluster = fakeCluster();
    return (HazelcastInstance) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HazelcastInstance.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getCluster")) {
            return cluster;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  private Cluster fakeCluster() {
    return (Cluster) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Cluster.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "getLocalMember":
              return local;
            case "getMembers":
              return Set.copyOf(members);
            case "addMembershipListener":
              listener = (MembershipListener) args[0];
              return UUID.randomUUID();
            case "removeMembershipListener":
              return true;
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
  }

  private static Member member(String region) {
    UUID uuid = UUID.randomUUID();
    return (Member) Proxy.newProxyInstance(RegionMembershipAfterMergeTest.class.getClassLoader(), new Class<?>[] {Member.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "getUuid":
              return uuid;
            case "getAttribute":
              return HazelcastRegionMembership.REGION_ATTRIBUTE.equals(args[0]) ? region : null;
            case "hashCode":
              return uuid.hashCode();
            case "equals":
              return proxy == args[0];
            case "toString":
              return "member " + uuid + " (" + region + ")";
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
  }
}
