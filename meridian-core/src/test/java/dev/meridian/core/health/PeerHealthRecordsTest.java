package dev.meridian.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Records from other members: what is refused, and that this node's own evidence outranks them. */
class PeerHealthRecordsTest {
  private static final HealthKey KEY = new HealthKey("us-east", "glm-5", "eu-west");
  private static final long NOW = 1_700_000_000_000L;

  private static EndpointHealth healthy(long at, double ttft) {
    return EndpointHealth.unobserved(KEY).record(ProbeResult.success(KEY, at, ttft, 30), HealthPolicy.DEFAULT);
  }

  private static EndpointHealth unhealthy(long at) {
    return EndpointHealth.unobserved(KEY)
        .record(ProbeResult.failure(KEY, at, ProbeOutcome.CONNECT_ERROR, 0, "refused"), HealthPolicy.DEFAULT);
  }

  private static EndpointHealth edited(Consumer<JsonObject> edit) {
    JsonObject json = healthy(NOW, 200).toJson();
    edit.accept(json);
    return EndpointHealth.fromJson(json);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("ten years ahead", edited(j -> j.put("lastObservedAtMs", NOW + 10L * 365 * 86_400_000))),
        Arguments.of("just past the skew", edited(j -> j.put("lastObservedAtMs", NOW + PeerHealthRecords.MAX_CLOCK_SKEW_MS + 1))),
        Arguments.of("negative time", edited(j -> j.put("lastObservedAtMs", -1L))),
        Arguments.of("negative probes", edited(j -> j.put("probes", -1L))),
        Arguments.of("more failures than probes", edited(j -> j.put("failures", 5L))),
        Arguments.of("streak beyond failures", edited(j -> j.put("consecutiveFailures", 3))),
        Arguments.of("negative average", edited(j -> j.put("ewmaTtftMs", -5.0))),
        Arguments.of("absurd average", edited(j -> j.put("ewmaTtftMs", 1e12))),
        Arguments.of("absurd tokens/s", edited(j -> j.put("ewmaTokensPerSecond", 1e12))),
        Arguments.of("negative sample", edited(j -> j.put("recentTtftsMs", new JsonArray().add(-1.0)))),
        Arguments.of("huge window", edited(j -> {
          JsonArray samples = new JsonArray();
          for (int i = 0; i < 2_000; i++) {
            samples.add(100.0);
          }
          j.put("recentTtftsMs", samples);
        })),
        Arguments.of("long error", edited(j -> j.put("lastError", "x".repeat(600)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void implausibleRecordsAreRefusedAndChangeNothing(String what, EndpointHealth record) {
    HealthState state = new HealthState();
    EndpointHealth honest = healthy(NOW - 1_000, 200);
    state.put(honest);

    assertThat(PeerHealthRecords.problem(record, NOW)).as(what).isNotNull();
    assertThat(state.putFromPeer(record, NOW)).isNotNull();
    assertThat(state.current().get(KEY)).isSameAs(honest);
  }

  @Test
  void aRecordWithinTheSkewIsTaken() {
    HealthState state = new HealthState();
    EndpointHealth ahead = unhealthy(NOW + PeerHealthRecords.MAX_CLOCK_SKEW_MS);

    assertThat(state.putFromPeer(ahead, NOW)).isNull();
    assertThat(state.current().get(KEY)).isSameAs(ahead);
  }

  @Test
  void aPeersRecordDoesNotReplaceFreshLocalEvidenceUntilThePrecedenceRunsOut() {
    HealthState state = new HealthState(35_000);
    EndpointHealth local = healthy(NOW, 200);
    state.putLocal(local, NOW);

    // Newer by its own timestamp, plausible, and repeated: still not this node's evidence.
    for (long at = NOW + 1_000; at < NOW + 35_000; at += 5_000) {
      assertThat(state.putFromPeer(unhealthy(at), at)).isNotNull();
      assertThat(state.current().get(KEY)).isSameAs(local);
    }
    assertThat(state.removeFromPeer(KEY, NOW + 10_000)).isFalse();
    assertThat(state.current().get(KEY)).isSameAs(local);

    // This node stopped probing the key (another member owns it now): the owner's records count again.
    EndpointHealth owner = unhealthy(NOW + 35_000);
    assertThat(state.putFromPeer(owner, NOW + 35_000)).isNull();
    assertThat(state.current().get(KEY)).isSameAs(owner);
  }

  @Test
  void aLocalRecordAlwaysReplacesWhatPeersWrote() {
    HealthState state = new HealthState();
    state.putFromPeer(unhealthy(NOW + 4_000), NOW);
    EndpointHealth local = healthy(NOW + 1_000, 200);

    state.putLocal(local, NOW + 1_000);

    assertThat(state.current().get(KEY)).isSameAs(local);
  }
}
