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
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two (then three) Hazelcast members in this JVM sharing records through the health map. */
@ExtendWith(VertxExtension.class)
class HazelcastHealthStoreTest {
  private static final HealthKey KEY = new HealthKey("us-east", "glm-5", "eu-west");

  private HazelcastTestSupport cluster;
  private HazelcastInstance memberA;
  private HazelcastInstance memberB;
  private HazelcastHealthStore storeA;
  private HazelcastHealthStore storeB;

  @BeforeEach
  void setUp(Vertx vertx) {
    cluster = new HazelcastTestSupport();
    memberA = cluster.start("us-east");
    memberB = cluster.start("eu-west");
    storeA = new HazelcastHealthStore(vertx, memberA, new HealthState());
    storeB = new HazelcastHealthStore(vertx, memberB, new HealthState());
    storeA.start().await();
    storeB.start().await();
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private static EndpointHealth record(long observedAtMs, ProbeOutcome outcome) {
    ProbeResult result =
        outcome == ProbeOutcome.OK
            ? ProbeResult.success(KEY, observedAtMs, 210, 40)
            : ProbeResult.failure(KEY, observedAtMs, outcome, 0, "refused");
    return EndpointHealth.unobserved(KEY).record(result, HealthPolicy.DEFAULT);
  }

  @Test
  void aRecordPublishedOnOneMemberReachesTheOther(Vertx vertx, VertxTestContext test) {
    EndpointHealth published = record(System.currentTimeMillis(), ProbeOutcome.OK);

    storeA
        .publish(published)
        .onComplete(test.succeeding(v -> test.verify(() ->
            // The publisher's own state has it before the cluster does.
            assertThat(storeA.state().current().get(KEY)).isNotNull())))
        .compose(v -> Await.until(vertx, 10_000, () -> storeB.state().current().get(KEY) != null))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          EndpointHealth seen = storeB.state().current().get(KEY);
          assertThat(seen.toJson()).isEqualTo(published.toJson());
          assertThat(seen.ewmaTtftMs()).isEqualTo(210);
          // Plain JSON strings in the map, readable without our classes.
          String raw = memberB.<String, String>getMap(HazelcastHealthStore.MAP_NAME).get(KEY.asString());
          assertThat(new JsonObject(raw).getString("model")).isEqualTo("glm-5");
          test.completeNow();
        })));
  }

  @Test
  void aNewerRecordReplacesTheOlderOneEverywhere(Vertx vertx, VertxTestContext test) {
    long now = System.currentTimeMillis();

    // Both from B: A has no evidence of its own for the key, so the prober's newer record wins there
    // (a node's own fresh probe outranks peers' records, PeerHealthRecordsTest).
    storeB
        .publish(record(now, ProbeOutcome.OK))
        .compose(v -> storeB.publish(record(now + 1_000, ProbeOutcome.CONNECT_ERROR)))
        .compose(v -> Await.until(vertx, 10_000, () -> {
          EndpointHealth seen = storeA.state().current().get(KEY);
          return seen != null && seen.lastObservedAtMs() == now + 1_000;
        }))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(storeA.state().current().get(KEY).lastOutcome()).isEqualTo(ProbeOutcome.CONNECT_ERROR);
          test.completeNow();
        })));
  }

  @Test
  void aMemberStartedLaterHasTheRecordsOnceItsStoreHasStarted(Vertx vertx, VertxTestContext test) {
    EndpointHealth published = record(System.currentTimeMillis(), ProbeOutcome.OK);
    storeA.publish(published).await();

    HazelcastInstance memberC = cluster.start("ap-southeast");
    HazelcastHealthStore storeC = new HazelcastHealthStore(vertx, memberC, new HealthState());
    storeC
        .start()
        .onComplete(test.succeeding(v -> test.verify(() -> {
          // No waiting for events: start() itself loaded the existing records.
          assertThat(storeC.state().current().get(KEY)).isNotNull();
          assertThat(storeC.state().current().get(KEY).toJson()).isEqualTo(published.toJson());
          test.completeNow();
        })));
  }

  @Test
  void stoppedStoreRefusesToPublishAndStopsListening(Vertx vertx, VertxTestContext test) {
    storeB
        .stop()
        .compose(v -> storeB.publish(record(1, ProbeOutcome.OK)))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertThat(e).hasMessageContaining("not started");
          test.completeNow();
        })));
  }
}
