package dev.meridian.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProbeOwnershipTest {
  private static final List<String> KEYS =
      IntStream.range(0, 1000).mapToObj(i -> "model-" + (i / 3) + "@" + List.of("us-east", "eu-west", "ap-southeast").get(i % 3)).toList();

  static Stream<Arguments> memberSets() {
    Random random = new Random(7);
    return Stream.of(
        Arguments.of(List.of("node-a", "node-b", "node-c")),
        Arguments.of(List.of("router-0", "router-1", "router-2")),
        Arguments.of(List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701")),
        Arguments.of(
            List.of(
                new UUID(random.nextLong(), random.nextLong()).toString(),
                new UUID(random.nextLong(), random.nextLong()).toString(),
                new UUID(random.nextLong(), random.nextLong()).toString())));
  }

  @Test
  void noMembersNoOwner() {
    assertThat(ProbeOwnership.ownerOf("glm-5@us-east", List.of())).isNull();
    assertThat(ProbeOwnership.owns("node-a", "glm-5@us-east", List.of())).isFalse();
  }

  @Test
  void aSingleMemberOwnsEverything() {
    for (String key : KEYS) {
      assertThat(ProbeOwnership.ownerOf(key, List.of("solo"))).isEqualTo("solo");
    }
  }

  @ParameterizedTest
  @MethodSource("memberSets")
  void deterministicAndIndependentOfMemberOrder(List<String> members) {
    List<String> shuffled = new ArrayList<>(members);
    Collections.shuffle(shuffled, new Random(42));
    List<String> reversed = new ArrayList<>(members);
    Collections.reverse(reversed);
    for (String key : KEYS) {
      String owner = ProbeOwnership.ownerOf(key, members);
      assertThat(ProbeOwnership.ownerOf(key, members)).isEqualTo(owner);
      assertThat(ProbeOwnership.ownerOf(key, shuffled)).isEqualTo(owner);
      assertThat(ProbeOwnership.ownerOf(key, reversed)).isEqualTo(owner);
      assertThat(ProbeOwnership.ownerOf(key, new java.util.TreeSet<>(members))).isEqualTo(owner);
    }
  }

  @ParameterizedTest
  @MethodSource("memberSets")
  void everyKeyHasExactlyOneOwnerAmongTheMembers(List<String> members) {
    for (String key : KEYS) {
      String owner = ProbeOwnership.ownerOf(key, members);
      assertThat(members).contains(owner);
      long owners = members.stream().filter(m -> ProbeOwnership.owns(m, key, members)).count();
      assertThat(owners).as(key).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("memberSets")
  void roughlyBalanced(List<String> members) {
    Map<String, Integer> counts = new HashMap<>();
    for (String key : KEYS) {
      counts.merge(ProbeOwnership.ownerOf(key, members), 1, Integer::sum);
    }
    assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(members);
    for (String member : members) {
      double share = counts.get(member) / (double) KEYS.size();
      assertThat(share).as(member + " share").isBetween(0.20, 0.47);
    }
  }

  @ParameterizedTest
  @MethodSource("memberSets")
  void removingAMemberMovesOnlyItsKeys(List<String> members) {
    for (String leaving : members) {
      List<String> remaining = members.stream().filter(m -> !m.equals(leaving)).toList();
      int moved = 0;
      for (String key : KEYS) {
        String before = ProbeOwnership.ownerOf(key, members);
        String after = ProbeOwnership.ownerOf(key, remaining);
        if (!before.equals(leaving)) {
          assertThat(after).as(key + " was not owned by " + leaving).isEqualTo(before);
        } else {
          assertThat(after).isIn(remaining);
          moved++;
        }
      }
      assertThat(moved).as("the leaver owned something").isPositive();
    }
  }

  @Test
  void addingAMemberOnlyTakesKeysForItself() {
    List<String> three = List.of("node-a", "node-b", "node-c");
    List<String> four = List.of("node-a", "node-b", "node-c", "node-d");
    int taken = 0;
    for (String key : KEYS) {
      String before = ProbeOwnership.ownerOf(key, three);
      String after = ProbeOwnership.ownerOf(key, four);
      if (!after.equals(before)) {
        assertThat(after).isEqualTo("node-d");
        taken++;
      }
    }
    assertThat(taken).isBetween(150, 350);
  }

  @Test
  void duplicateMembersDoNotChangeTheOwner() {
    List<String> members = List.of("node-a", "node-b", "node-c");
    List<String> withDuplicates = List.of("node-a", "node-b", "node-b", "node-c", "node-a");
    for (String key : KEYS) {
      assertThat(ProbeOwnership.ownerOf(key, withDuplicates)).isEqualTo(ProbeOwnership.ownerOf(key, members));
    }
  }
}
