package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.routing.EndpointBlocklist.Block;
import dev.meridian.core.routing.EndpointBlocklist.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The blocklist is an immutable value: every change is a new instance, and deadlines only move later. */
class EndpointBlocklistTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final String A = "glm-5@us-east";
  private static final String B = "glm-5@eu-west";

  // ---------------------------------------------------------------- empty

  @Test
  void emptyBlocksNothing() {
    assertThat(EndpointBlocklist.EMPTY.size()).isZero();
    assertThat(EndpointBlocklist.EMPTY.entries()).isEmpty();
    assertThat(EndpointBlocklist.EMPTY.isBlocked(A, NOW)).isFalse();
    assertThat(EndpointBlocklist.EMPTY.blockAt(A, NOW)).isNull();
  }

  // ---------------------------------------------------------------- the deadline

  @ParameterizedTest(name = "{0}")
  @EnumSource(Reason.class)
  void blockedStrictlyBeforeItsDeadline(Reason reason) {
    EndpointBlocklist list = EndpointBlocklist.EMPTY.extend(A, NOW + 5_000, reason);

    assertThat(list.isBlocked(A, NOW)).isTrue();
    assertThat(list.isBlocked(A, NOW + 4_999)).isTrue();
    assertThat(list.blockAt(A, NOW + 4_999)).isEqualTo(new Block(NOW + 5_000, reason));
    assertThat(list.isBlocked(A, NOW + 5_000)).as("at the deadline").isFalse();
    assertThat(list.blockAt(A, NOW + 5_000)).isNull();
    assertThat(list.isBlocked(A, NOW + 60_000)).isFalse();
    // An expired entry is not in force, but stays until pruned.
    assertThat(list.entries()).containsKey(A);
  }

  @Test
  void otherEndpointsAreNotBlocked() {
    EndpointBlocklist list = EndpointBlocklist.EMPTY.extend(A, NOW + 5_000, Reason.BREAKER_OPEN);
    assertThat(list.isBlocked(B, NOW)).isFalse();
    assertThat(list.blockAt(B, NOW)).isNull();
    assertThat(list.size()).isEqualTo(1);
  }

  @Test
  void aDeadlineAlreadyPastBlocksNothing() {
    EndpointBlocklist list = EndpointBlocklist.EMPTY.extend(A, NOW - 1, Reason.RATE_LIMITED);
    assertThat(list.isBlocked(A, NOW)).isFalse();
    assertThat(list.isBlocked(A, NOW - 2)).isTrue();
  }

  // ---------------------------------------------------------------- extend only moves later

  @Test
  void aShorterSecondBlockKeepsTheLongerOne() {
    EndpointBlocklist first = EndpointBlocklist.EMPTY.extend(A, NOW + 30_000, Reason.BREAKER_OPEN);
    EndpointBlocklist second = first.extend(A, NOW + 2_000, Reason.RATE_LIMITED);

    assertThat(second).isSameAs(first);
    assertThat(second.blockAt(A, NOW)).isEqualTo(new Block(NOW + 30_000, Reason.BREAKER_OPEN));
    assertThat(second.isBlocked(A, NOW + 29_999)).isTrue();
  }

  @Test
  void anEqualDeadlineKeepsTheExistingBlockAndItsReason() {
    EndpointBlocklist first = EndpointBlocklist.EMPTY.extend(A, NOW + 10_000, Reason.RATE_LIMITED);
    EndpointBlocklist second = first.extend(A, NOW + 10_000, Reason.BREAKER_OPEN);

    assertThat(second).isSameAs(first);
    assertThat(second.blockAt(A, NOW).reason()).isEqualTo(Reason.RATE_LIMITED);
  }

  @Test
  void aLongerBlockReplacesTheShorterOneIncludingTheReason() {
    EndpointBlocklist first = EndpointBlocklist.EMPTY.extend(A, NOW + 2_000, Reason.RATE_LIMITED);
    EndpointBlocklist second = first.extend(A, NOW + 30_000, Reason.BREAKER_OPEN);

    assertThat(second).isNotSameAs(first);
    assertThat(second.blockAt(A, NOW)).isEqualTo(new Block(NOW + 30_000, Reason.BREAKER_OPEN));
    assertThat(second.isBlocked(A, NOW + 2_000)).isTrue();
    assertThat(second.size()).isEqualTo(1);
    // The old instance is unchanged.
    assertThat(first.blockAt(A, NOW)).isEqualTo(new Block(NOW + 2_000, Reason.RATE_LIMITED));
    assertThat(first.isBlocked(A, NOW + 2_000)).isFalse();
  }

  @Test
  void aLongerBlockOfTheSameReasonExtends() {
    EndpointBlocklist list =
        EndpointBlocklist.EMPTY
            .extend(A, NOW + 1_000, Reason.BREAKER_OPEN)
            .extend(A, NOW + 500, Reason.BREAKER_OPEN)
            .extend(A, NOW + 3_000, Reason.BREAKER_OPEN)
            .extend(A, NOW + 2_000, Reason.BREAKER_OPEN);
    assertThat(list.blockAt(A, NOW)).isEqualTo(new Block(NOW + 3_000, Reason.BREAKER_OPEN));
  }

  @Test
  void extendingOneEndpointLeavesTheOthers() {
    EndpointBlocklist list =
        EndpointBlocklist.EMPTY
            .extend(A, NOW + 1_000, Reason.BREAKER_OPEN)
            .extend(B, NOW + 9_000, Reason.RATE_LIMITED);
    assertThat(list.size()).isEqualTo(2);
    assertThat(list.blockAt(A, NOW)).isEqualTo(new Block(NOW + 1_000, Reason.BREAKER_OPEN));
    assertThat(list.blockAt(B, NOW)).isEqualTo(new Block(NOW + 9_000, Reason.RATE_LIMITED));
  }

  // ---------------------------------------------------------------- lift

  @Test
  void liftRemovesTheBlockAtOnce() {
    EndpointBlocklist blocked =
        EndpointBlocklist.EMPTY
            .extend(A, NOW + 30_000, Reason.BREAKER_OPEN)
            .extend(B, NOW + 30_000, Reason.RATE_LIMITED);
    EndpointBlocklist lifted = blocked.lift(A);

    assertThat(lifted.isBlocked(A, NOW)).isFalse();
    assertThat(lifted.entries()).doesNotContainKey(A).containsKey(B);
    assertThat(lifted.size()).isEqualTo(1);
    assertThat(blocked.isBlocked(A, NOW)).as("old instance").isTrue();
    assertThat(blocked.size()).isEqualTo(2);
  }

  @Test
  void liftingAnUnblockedEndpointReturnsTheSameInstance() {
    EndpointBlocklist list = EndpointBlocklist.EMPTY.extend(A, NOW + 1_000, Reason.BREAKER_OPEN);
    assertThat(list.lift(B)).isSameAs(list);
    assertThat(EndpointBlocklist.EMPTY.lift(A)).isSameAs(EndpointBlocklist.EMPTY);
  }

  @Test
  void afterLiftANewShorterBlockApplies() {
    EndpointBlocklist list =
        EndpointBlocklist.EMPTY
            .extend(A, NOW + 30_000, Reason.BREAKER_OPEN)
            .lift(A)
            .extend(A, NOW + 1_000, Reason.RATE_LIMITED);
    assertThat(list.blockAt(A, NOW)).isEqualTo(new Block(NOW + 1_000, Reason.RATE_LIMITED));
  }

  // ---------------------------------------------------------------- prune

  @Test
  void pruneDropsOnlyExpiredEntries() {
    EndpointBlocklist list =
        EndpointBlocklist.EMPTY
            .extend("x@r1", NOW - 1, Reason.BREAKER_OPEN)
            .extend("y@r1", NOW, Reason.RATE_LIMITED)
            .extend("z@r1", NOW + 1, Reason.RATE_LIMITED)
            .extend("w@r1", NOW + 60_000, Reason.BREAKER_OPEN);

    EndpointBlocklist pruned = list.prune(NOW);

    // Expired means not in force: untilMs <= now, the same rule as blockAt.
    assertThat(pruned.entries().keySet()).containsExactlyInAnyOrder("z@r1", "w@r1");
    assertThat(pruned.entries().get("z@r1")).isEqualTo(new Block(NOW + 1, Reason.RATE_LIMITED));
    assertThat(pruned.entries().get("w@r1")).isEqualTo(new Block(NOW + 60_000, Reason.BREAKER_OPEN));
    assertThat(list.size()).as("old instance").isEqualTo(4);
  }

  @Test
  void pruneReturnsTheSameInstanceWhenNothingExpired() {
    EndpointBlocklist list =
        EndpointBlocklist.EMPTY
            .extend(A, NOW + 1, Reason.BREAKER_OPEN)
            .extend(B, NOW + 60_000, Reason.RATE_LIMITED);
    assertThat(list.prune(NOW)).isSameAs(list);
    assertThat(EndpointBlocklist.EMPTY.prune(NOW)).isSameAs(EndpointBlocklist.EMPTY);
  }

  @Test
  void pruneOfEverythingLeavesAnEmptyList() {
    EndpointBlocklist list =
        EndpointBlocklist.EMPTY
            .extend(A, NOW + 1_000, Reason.BREAKER_OPEN)
            .extend(B, NOW + 2_000, Reason.RATE_LIMITED);
    EndpointBlocklist pruned = list.prune(NOW + 2_000);
    assertThat(pruned.size()).isZero();
    assertThat(pruned.entries()).isEmpty();
  }

  // ---------------------------------------------------------------- immutability

  @Test
  void extendLeavesTheOldInstanceUnchanged() {
    EndpointBlocklist empty = EndpointBlocklist.EMPTY;
    EndpointBlocklist one = empty.extend(A, NOW + 1_000, Reason.BREAKER_OPEN);
    EndpointBlocklist two = one.extend(B, NOW + 1_000, Reason.RATE_LIMITED);

    assertThat(empty.size()).isZero();
    assertThat(empty.isBlocked(A, NOW)).isFalse();
    assertThat(one.size()).isEqualTo(1);
    assertThat(one.isBlocked(B, NOW)).isFalse();
    assertThat(two.size()).isEqualTo(2);
  }

  @Test
  void entriesAreReadOnly() {
    EndpointBlocklist list = EndpointBlocklist.EMPTY.extend(A, NOW + 1_000, Reason.BREAKER_OPEN);
    assertThatThrownBy(() -> list.entries().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> list.entries().put(B, new Block(NOW + 1, Reason.RATE_LIMITED)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> EndpointBlocklist.EMPTY.entries().put(B, new Block(NOW + 1, Reason.RATE_LIMITED)))
        .isInstanceOf(UnsupportedOperationException.class);
    EndpointBlocklist pruned = list.extend(B, NOW - 1, Reason.RATE_LIMITED).prune(NOW);
    assertThatThrownBy(() -> pruned.entries().clear()).isInstanceOf(UnsupportedOperationException.class);
    EndpointBlocklist lifted = list.extend(B, NOW + 1, Reason.RATE_LIMITED).lift(B);
    assertThatThrownBy(() -> lifted.entries().clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
