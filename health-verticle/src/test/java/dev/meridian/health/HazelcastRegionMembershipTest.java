package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.meridian.core.catalog.CatalogLoader;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Region membership from Hazelcast member attributes, and ownership moving when a member leaves. */
@ExtendWith(VertxExtension.class)
class HazelcastRegionMembershipTest {
  private static final List<ProbeTarget> TARGETS =
      ProbeTarget.all("us-east", CatalogLoader.loadDefault().endpoints());

  private final HazelcastTestSupport cluster = new HazelcastTestSupport();

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void membersAreGroupedByRegionAndOwnershipFollowsALeaver(Vertx vertx, VertxTestContext test) {
    HazelcastInstance a = cluster.start("us-east");
    HazelcastInstance b = cluster.start("us-east");
    HazelcastInstance c = cluster.start("eu-west");
    HazelcastRegionMembership onA = new HazelcastRegionMembership(a, "us-east");
    HazelcastRegionMembership onB = new HazelcastRegionMembership(b, "us-east");
    AtomicInteger changes = new AtomicInteger();
    onA.onChange(changes::incrementAndGet);

    String idA = a.getCluster().getLocalMember().getUuid().toString();
    String idB = b.getCluster().getLocalMember().getUuid().toString();
    String idC = c.getCluster().getLocalMember().getUuid().toString();
    assertThat(onA.localMemberId()).isEqualTo(idA);
    assertThat(onA.membersOf("us-east")).containsExactlyElementsOf(sorted(idA, idB));
    assertThat(onB.membersOf("us-east")).containsExactlyElementsOf(sorted(idA, idB));
    assertThat(onA.membersOf("eu-west")).containsExactly(idC);
    assertThat(onA.membersOf("ap-southeast")).isEmpty();

    Set<ProbeTarget> ofA = owned(onA);
    Set<ProbeTarget> ofB = owned(onB);
    assertThat(ofA).doesNotContainAnyElementsOf(ofB).isNotEmpty();
    assertThat(ofB).isNotEmpty();
    Set<ProbeTarget> union = new HashSet<>(ofA);
    union.addAll(ofB);
    assertThat(union).containsExactlyInAnyOrderElementsOf(TARGETS);

    b.shutdown();

    Await.until(vertx, 15_000, () -> onA.membersOf("us-east").size() == 1)
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(onA.membersOf("us-east")).containsExactly(idA);
          assertThat(owned(onA)).containsExactlyInAnyOrderElementsOf(TARGETS);
          assertThat(changes.get()).isPositive();
          onA.close();
          test.completeNow();
        })));
  }

  private static Set<ProbeTarget> owned(RegionMembership membership) {
    Set<ProbeTarget> owned = new HashSet<>();
    for (ProbeTarget target : TARGETS) {
      if (membership.isLocalOwner("us-east", target.ownershipKey())) {
        owned.add(target);
      }
    }
    return owned;
  }

  private static List<String> sorted(String... ids) {
    return java.util.Arrays.stream(ids).sorted().toList();
  }
}
