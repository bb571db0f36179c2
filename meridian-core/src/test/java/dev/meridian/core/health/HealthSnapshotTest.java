package dev.meridian.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HealthSnapshotTest {
  private static final HealthPolicy POLICY = HealthPolicy.DEFAULT;
  private static final HealthKey A = new HealthKey("us-east", "glm-5", "us-east");
  private static final HealthKey B = new HealthKey("eu-west", "glm-5", "us-east");

  static EndpointHealth observed(HealthKey key, long at, double ttft) {
    return EndpointHealth.unobserved(key).record(ProbeResult.success(key, at, ttft, 30), POLICY);
  }

  @Test
  void emptyHoldsNothing() {
    assertThat(HealthSnapshot.EMPTY.size()).isZero();
    assertThat(HealthSnapshot.EMPTY.records()).isEmpty();
    assertThat(HealthSnapshot.EMPTY.get(A)).isNull();
    assertThat(HealthSnapshot.EMPTY.get("us-east", "glm-5", "us-east")).isNull();
  }

  @Test
  void withReturnsANewSnapshotAndLeavesTheOldOneAlone() {
    HealthSnapshot empty = HealthSnapshot.EMPTY;
    EndpointHealth a = observed(A, 1000, 100);

    HealthSnapshot one = empty.with(a);

    assertThat(one).isNotSameAs(empty);
    assertThat(empty.size()).isZero();
    assertThat(empty.get(A)).isNull();
    assertThat(one.size()).isEqualTo(1);
    assertThat(one.get(A)).isSameAs(a);
    assertThat(one.get("us-east", "glm-5", "us-east")).isSameAs(a);
    assertThat(one.get(B)).as("keyed by observer too").isNull();

    EndpointHealth newer = observed(A, 2000, 200);
    HealthSnapshot replaced = one.with(newer);
    assertThat(replaced.get(A)).isSameAs(newer);
    assertThat(one.get(A)).isSameAs(a);
    assertThat(replaced.size()).isEqualTo(1);
  }

  @Test
  void withoutRemovesOnlyInTheCopy() {
    HealthSnapshot two = HealthSnapshot.EMPTY.with(observed(A, 1, 1)).with(observed(B, 1, 1));
    HealthSnapshot one = two.without(A);
    assertThat(one.get(A)).isNull();
    assertThat(one.get(B)).isNotNull();
    assertThat(two.get(A)).isNotNull();
    assertThat(two.size()).isEqualTo(2);
    assertThat(one.size()).isEqualTo(1);
  }

  @Test
  void withoutAnAbsentKeyIsANoOp() {
    HealthSnapshot one = HealthSnapshot.EMPTY.with(observed(A, 1, 1));
    assertThat(one.without(B)).isSameAs(one);
  }

  @Test
  void versionsIncreaseWithEveryChange() {
    HealthSnapshot s0 = HealthSnapshot.EMPTY;
    HealthSnapshot s1 = s0.with(observed(A, 1, 1));
    HealthSnapshot s2 = s1.with(observed(B, 1, 1));
    HealthSnapshot s3 = s2.with(observed(A, 2, 2));
    HealthSnapshot s4 = s3.without(A);
    assertThat(List.of(s0.version(), s1.version(), s2.version(), s3.version(), s4.version()))
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(s4.without(A).version()).as("no change, same version").isEqualTo(s4.version());
  }

  @Test
  void recordsViewIsReadOnly() {
    HealthSnapshot one = HealthSnapshot.EMPTY.with(observed(A, 1, 1));
    assertThatThrownBy(() -> one.records().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void ofIndexesByKeyAndIsNewerThanEmpty() {
    EndpointHealth a = observed(A, 1, 1);
    EndpointHealth b = observed(B, 1, 1);
    HealthSnapshot snapshot = HealthSnapshot.of(List.of(a, b));
    assertThat(snapshot.size()).isEqualTo(2);
    assertThat(snapshot.get(A)).isSameAs(a);
    assertThat(snapshot.get(B)).isSameAs(b);
    assertThat(snapshot.version()).isGreaterThan(HealthSnapshot.EMPTY.version());
    assertThat(snapshot.records()).containsExactlyInAnyOrder(a, b);
  }

  /**
   * Random puts, replacements and removals across shard growth (1 to thousands of records) must leave
   * every snapshot equal to a plain map given the same changes, and leave older snapshots untouched.
   */
  @Test
  void agreesWithAPlainMapThroughShardGrowth() {
    java.util.Random random = new java.util.Random(42);
    java.util.Map<HealthKey, EndpointHealth> reference = new java.util.HashMap<>();
    HealthSnapshot snapshot = HealthSnapshot.EMPTY;
    HealthSnapshot frozen = null;
    java.util.Map<HealthKey, EndpointHealth> frozenReference = null;
    for (int step = 0; step < 6_000; step++) {
      HealthKey key = new HealthKey("r" + random.nextInt(4), "m" + random.nextInt(600), "e" + random.nextInt(3));
      if (random.nextInt(10) == 0) {
        snapshot = snapshot.without(key);
        reference.remove(key);
      } else {
        EndpointHealth record = observed(key, step, step % 500);
        snapshot = snapshot.with(record);
        reference.put(key, record);
      }
      if (step == 3_000) {
        frozen = snapshot;
        frozenReference = new java.util.HashMap<>(reference);
      }
    }
    assertThat(snapshot.size()).isEqualTo(reference.size()).isGreaterThan(2_000);
    assertThat(snapshot.records()).hasSize(reference.size()).containsExactlyInAnyOrderElementsOf(reference.values());
    for (java.util.Map.Entry<HealthKey, EndpointHealth> entry : reference.entrySet()) {
      assertThat(snapshot.get(entry.getKey())).isSameAs(entry.getValue());
    }
    assertThat(frozen.size()).isEqualTo(frozenReference.size());
    assertThat(frozen.records()).containsExactlyInAnyOrderElementsOf(frozenReference.values());
    assertThat(HealthSnapshot.of(reference.values()).records()).containsExactlyInAnyOrderElementsOf(reference.values());
  }

  @Test
  void withAllNewerKeepsNewerHeldRecordsAndTakesTheRest() {
    EndpointHealth heldNew = observed(A, 5_000, 1);
    HealthSnapshot held = HealthSnapshot.EMPTY.with(heldNew);
    EndpointHealth olderA = observed(A, 1_000, 2);
    EndpointHealth b = observed(B, 1_000, 3);

    HealthSnapshot merged = held.withAllNewer(List.of(olderA, b));

    assertThat(merged.get(A)).isSameAs(heldNew);
    assertThat(merged.get(B)).isSameAs(b);
    assertThat(merged.version()).isGreaterThan(held.version());
    assertThat(merged.withAllNewer(List.of(olderA))).as("nothing newer: unchanged").isSameAs(merged);
  }
}
