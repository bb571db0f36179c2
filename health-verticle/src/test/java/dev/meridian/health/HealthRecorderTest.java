package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import org.junit.jupiter.api.Test;

class HealthRecorderTest {
  private static final HealthKey KEY = new HealthKey("us-east", "glm-5", "eu-west");

  private final HealthRecorder recorder = new HealthRecorder(HealthPolicy.DEFAULT);
  private final HealthState state = new HealthState();

  private void fold(ProbeResult result) {
    state.put(recorder.fold(state.current(), result));
  }

  @Test
  void firstResultStartsFromUnobserved() {
    EndpointHealth record =
        recorder.fold(HealthSnapshot.EMPTY, ProbeResult.success(KEY, 1_000, 250, 30));

    assertThat(record.probes()).isEqualTo(1);
    assertThat(record.healthy()).isTrue();
    assertThat(record.ewmaTtftMs()).isEqualTo(250);
  }

  @Test
  void unhealthyAfterKConsecutiveFailuresAndHealthyAfterOneSuccess() {
    fold(ProbeResult.success(KEY, 1_000, 250, 30));
    for (int i = 1; i <= 3; i++) {
      fold(ProbeResult.failure(KEY, 1_000 + i, ProbeOutcome.CONNECT_ERROR, 0, "refused"));
      assertThat(state.current().get(KEY).healthy()).as("after %d failures", i).isEqualTo(i < 3);
    }
    fold(ProbeResult.success(KEY, 2_000, 260, 30));

    EndpointHealth record = state.current().get(KEY);
    assertThat(record.healthy()).isTrue();
    assertThat(record.probes()).isEqualTo(5);
  }

  @Test
  void continuesTheRecordAnotherNodePublished() {
    EndpointHealth fromOtherNode =
        EndpointHealth.unobserved(KEY)
            .record(ProbeResult.success(KEY, 1_000, 200, 30), HealthPolicy.DEFAULT)
            .record(ProbeResult.failure(KEY, 1_001, ProbeOutcome.TIMEOUT, 0, "t"), HealthPolicy.DEFAULT)
            .record(ProbeResult.failure(KEY, 1_002, ProbeOutcome.TIMEOUT, 0, "t"), HealthPolicy.DEFAULT);
    state.put(EndpointHealth.fromJson(fromOtherNode.toJson()));

    fold(ProbeResult.failure(KEY, 1_003, ProbeOutcome.TIMEOUT, 0, "t"));

    assertThat(state.current().get(KEY).consecutiveFailures()).isEqualTo(3);
    assertThat(state.current().get(KEY).healthy()).isFalse();
  }
}
