package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthState;
import dev.meridian.core.health.ProbeOutcome;
import dev.meridian.core.health.ProbeResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A member that writes the health map directly (issue 22, finding 4): a record dated ten years ahead,
 * saying the endpoint failed a thousand times, must not survive the next honest probe. Before the fix
 * the forged record was "newer" than every probe, so the prober folded its results into nothing and
 * republished the forgery.
 */
@ExtendWith(VertxExtension.class)
class ForgedHealthRecordTest {
  private static final HealthKey KEY = new HealthKey("us-east", "glm-5", "eu-west");
  private static final long TEN_YEARS_MS = 10L * 365 * 24 * 3600 * 1000;

  private HazelcastTestSupport cluster;
  private HazelcastInstance honest;
  private HazelcastInstance forger;

  @BeforeEach
  void setUp() {
    cluster = new HazelcastTestSupport();
    honest = cluster.start("us-east");
    forger = cluster.start("us-east");
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private static EndpointHealth forgedUnhealthy(long observedAtMs) {
    EndpointHealth record = EndpointHealth.unobserved(KEY);
    for (int i = 0; i < 5; i++) {
      record = record.record(ProbeResult.failure(KEY, observedAtMs, ProbeOutcome.CONNECT_ERROR, 0, "down"), HealthPolicy.DEFAULT);
    }
    return record;
  }

  @Test
  void aRecordDatedTenYearsAheadIsReplacedByTheNextHonestProbe(Vertx vertx) {
    long now = System.currentTimeMillis();
    forger.<String, String>getMap(HazelcastHealthStore.MAP_NAME)
        .set(KEY.asString(), forgedUnhealthy(now + TEN_YEARS_MS).toJson().encode());
    // Started after the forgery: start() loads the map, so what the state holds is settled here.
    HazelcastHealthStore store = new HazelcastHealthStore(vertx, honest, new HealthState());
    store.start().await();

    HealthRecorder recorder = new HealthRecorder(HealthPolicy.DEFAULT);
    ProbeResult honestProbe = ProbeResult.success(KEY, now, 180, 40);
    store.publish(recorder.fold(store.state().current(), honestProbe)).await();

    EndpointHealth seen = store.state().current().get(KEY);
    assertThat(seen.healthy()).isTrue();
    assertThat(seen.lastObservedAtMs()).isEqualTo(now);
    assertThat(seen.ewmaTtftMs()).isEqualTo(180);
    assertThat(seen.failures()).as("nothing of the forgery carried on").isZero();
    JsonObject inMap = new JsonObject(honest.<String, String>getMap(HazelcastHealthStore.MAP_NAME).get(KEY.asString()));
    assertThat(inMap.getLong("lastObservedAtMs")).as("the honest record replaced the forgery in the map").isEqualTo(now);

    // A node that starts now loads the honest record, not the forgery.
    HazelcastHealthStore later = new HazelcastHealthStore(vertx, forger, new HealthState());
    later.start().await();
    assertThat(later.state().current().get(KEY).healthy()).isTrue();
  }
}
