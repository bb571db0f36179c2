package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.CatalogLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProbeSchedulerTest {
  private static final List<ProbeTarget> TARGETS =
      ProbeTarget.all("us-east", CatalogLoader.loadDefault().endpoints());
  private static final long INTERVAL = 30_000;

  private final ProbeScheduler scheduler = new ProbeScheduler(0.2, new Random(42));

  @Test
  void everyOwnedTargetExactlyOnceWithinTheWindow() {
    List<ProbeScheduler.ScheduledProbe> plan = scheduler.planRound(TARGETS, t -> true, INTERVAL);

    assertThat(TARGETS).as("every chat and embedding endpoint").hasSize(53);
    assertThat(plan).extracting(ProbeScheduler.ScheduledProbe::target)
        .containsExactlyInAnyOrderElementsOf(TARGETS);
    assertThat(plan).allSatisfy(p -> assertThat(p.delayMs()).isBetween(0L, INTERVAL - 1));
  }

  @Test
  void onlyOwnedTargetsArePlanned() {
    Set<ProbeTarget> mine = new HashSet<>(TARGETS.subList(0, 10));

    List<ProbeScheduler.ScheduledProbe> plan = scheduler.planRound(TARGETS, mine::contains, INTERVAL);

    assertThat(plan).extracting(ProbeScheduler.ScheduledProbe::target)
        .containsExactlyInAnyOrderElementsOf(mine);
    // Ten probes share the whole interval, not the first tenth of it.
    assertThat(plan.get(plan.size() - 1).delayMs()).isGreaterThan(INTERVAL * 8 / 10);
  }

  @Test
  void probesAreSpreadWithoutBursts() {
    for (int round = 0; round < 20; round++) {
      List<ProbeScheduler.ScheduledProbe> plan = scheduler.planRound(TARGETS, t -> true, INTERVAL);
      double slot = (double) INTERVAL / TARGETS.size();
      for (int i = 1; i < plan.size(); i++) {
        long gap = plan.get(i).delayMs() - plan.get(i - 1).delayMs();
        assertThat(gap).as("gap before probe %d", i).isGreaterThanOrEqualTo((long) (slot * 0.8) - 1);
      }
      // No one-second stretch holds more probes than an even spread would put there, plus one.
      for (ProbeScheduler.ScheduledProbe start : plan) {
        long inSecond = plan.stream()
            .filter(p -> p.delayMs() >= start.delayMs() && p.delayMs() < start.delayMs() + 1_000)
            .count();
        assertThat(inSecond).isLessThanOrEqualTo((long) Math.ceil(1_000 / slot) + 1);
      }
    }
  }

  @Test
  void firstRoundWindowCompressesTheSamePlan() {
    List<ProbeScheduler.ScheduledProbe> plan = scheduler.planRound(TARGETS, t -> true, 2_000);

    assertThat(plan).hasSize(TARGETS.size());
    assertThat(plan).allSatisfy(p -> assertThat(p.delayMs()).isBetween(0L, 1_999L));
  }

  @Test
  void zeroWindowStartsEverythingAtOnce() {
    assertThat(scheduler.planRound(TARGETS, t -> true, 0))
        .hasSize(TARGETS.size())
        .allSatisfy(p -> assertThat(p.delayMs()).isZero());
  }

  @Test
  void eachTargetKeepsItsPhaseFromRoundToRound() {
    List<ProbeTarget> first = targetsInOrder(scheduler.planRound(TARGETS, t -> true, INTERVAL));
    List<ProbeTarget> second = targetsInOrder(scheduler.planRound(TARGETS, t -> true, INTERVAL));

    // Same order each round, so a target's probes are about one interval apart, not up to two.
    assertThat(second).isEqualTo(first);
    // And not catalog order: one provider's three endpoints should not be probed back to back.
    assertThat(first).isNotEqualTo(TARGETS);
  }

  @Test
  void twoMembersOfARegionSplitTheEndpointsWithoutOverlap() {
    FakeMembership a = new FakeMembership("member-a", "member-a", "member-b");
    FakeMembership b = new FakeMembership("member-b", "member-a", "member-b");

    Set<ProbeTarget> ofA = planned(a);
    Set<ProbeTarget> ofB = planned(b);

    assertThat(ofA).doesNotContainAnyElementsOf(ofB);
    Set<ProbeTarget> union = new HashSet<>(ofA);
    union.addAll(ofB);
    assertThat(union).containsExactlyInAnyOrderElementsOf(TARGETS);
    // Rendezvous hashing balances roughly; 53 endpoints should not all land on one member.
    assertThat(ofA.size()).isBetween(10, 35);
  }

  @Test
  void aLeavingMemberMovesOnlyItsOwnEndpoints() {
    List<String> three = List.of("member-a", "member-b", "member-c");
    Map<ProbeTarget, String> before = owners(three);
    Map<ProbeTarget, String> after = owners(List.of("member-a", "member-b"));

    for (ProbeTarget target : TARGETS) {
      if (!before.get(target).equals("member-c")) {
        assertThat(after.get(target)).as("owner of %s", target).isEqualTo(before.get(target));
      } else {
        assertThat(after.get(target)).isIn("member-a", "member-b");
      }
    }
    assertThat(before.values()).contains("member-c");
  }

  private Map<ProbeTarget, String> owners(List<String> members) {
    Map<ProbeTarget, String> owners = new HashMap<>();
    for (String member : members) {
      FakeMembership membership = new FakeMembership(member, members.toArray(String[]::new));
      for (ProbeTarget target : planned(membership)) {
        assertThat(owners.put(target, member)).as("second owner of %s", target).isNull();
      }
    }
    assertThat(owners.keySet()).containsExactlyInAnyOrderElementsOf(TARGETS);
    return owners;
  }

  private Set<ProbeTarget> planned(RegionMembership membership) {
    return scheduler
        .planRound(TARGETS, t -> membership.isLocalOwner("us-east", t.ownershipKey()), INTERVAL)
        .stream()
        .map(ProbeScheduler.ScheduledProbe::target)
        .collect(Collectors.toSet());
  }

  private static List<ProbeTarget> targetsInOrder(List<ProbeScheduler.ScheduledProbe> plan) {
    List<ProbeTarget> order = new ArrayList<>();
    plan.forEach(p -> order.add(p.target()));
    return order;
  }

  /** Members of us-east only. */
  private record FakeMembership(String localMemberId, List<String> members) implements RegionMembership {
    FakeMembership(String local, String... members) {
      this(local, List.of(members));
    }

    @Override
    public List<String> membersOf(String region) {
      return region.equals("us-east") ? members : List.of();
    }

    @Override
    public void onChange(Runnable listener) {}
  }
}
