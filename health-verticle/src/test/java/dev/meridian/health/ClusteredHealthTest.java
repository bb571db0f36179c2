package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.health.HealthState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two routers of one region on a real (in-JVM) Hazelcast cluster: they split the endpoints, share the
 * records, and when one leaves the other takes its endpoints over and continues their records.
 */
@ExtendWith(VertxExtension.class)
class ClusteredHealthTest {
  private final HazelcastTestSupport cluster = new HazelcastTestSupport();
  private FakeUpstream upstream;
  private Catalog catalog;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = FakeUpstream.start(vertx).await();
    catalog = upstream.pointAt(TestCatalogs.subset("step-3.5-flash", "glm-5", "deepseek-r1"));
  }

  @AfterEach
  void tearDown(Vertx vertx) {
    for (String id : vertx.deploymentIDs()) {
      vertx.undeploy(id).await();
    }
    cluster.close();
    upstream.close().await();
  }

  private record Node(HazelcastInstance hazelcast, HazelcastRegionMembership membership,
                      HazelcastHealthStore store, HealthVerticle health) {}

  private Node node(Vertx vertx) {
    HazelcastInstance hazelcast = cluster.start("us-east");
    HazelcastRegionMembership membership = new HazelcastRegionMembership(hazelcast, "us-east");
    HazelcastHealthStore store = new HazelcastHealthStore(vertx, hazelcast, new HealthState());
    store.start().await(); // the launcher's order: store first, then the verticle
    HealthOptions options =
        new HealthOptions()
            .setRegion("us-east")
            .setProbeIntervalMs(60_000) // only the first round and explicit probes run
            .setProbeTimeoutMs(1_000)
            .setFirstRoundSpreadMs(200);
    return new Node(
        hazelcast, membership, store, new HealthVerticle(catalog, options, store, membership, ApiKeys.of(Map.of())));
  }

  @Test
  void routersOfARegionSplitProbesShareRecordsAndTakeOverFromALeaver(Vertx vertx, VertxTestContext test) {
    Node a = node(vertx);
    Node b = node(vertx);
    Map<Endpoint, Boolean> ownedByB = new HashMap<>();

    // Both must see each other before planning: a round planned while the membership event is still in
    // flight owns everything, and the endpoint is probed twice in that round.
    Await.until(vertx, 10_000, () -> a.membership().membersOf("us-east").size() == 2
            && b.membership().membersOf("us-east").size() == 2)
        .compose(ready -> Future.all(vertx.deployVerticle(a.health()), vertx.deployVerticle(b.health())))
        .compose(v -> Future.all(a.health().firstRoundComplete(), b.health().firstRoundComplete()))
        .compose(v -> Await.until(vertx, 10_000, () ->
            a.store().state().current().size() == 9 && b.store().state().current().size() == 9))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          for (Endpoint endpoint : catalog.endpoints()) {
            assertThat(upstream.requestsTo(endpoint.id())).as("first-round probes of %s", endpoint).isEqualTo(1);
            ownedByB.put(endpoint, b.membership().isLocalOwner("us-east", ProbeTarget.of("us-east", endpoint).ownershipKey()));
          }
          assertThat(ownedByB).containsValue(true).containsValue(false);
        })))
        .compose(v -> vertx.undeploy(b.health().deploymentID()))
        .compose(v -> {
          b.membership().close();
          b.hazelcast().shutdown();
          return Await.until(vertx, 15_000, () -> a.membership().membersOf("us-east").size() == 1);
        })
        .compose(v -> a.health().probeNow())
        .onComplete(test.succeeding(v -> test.verify(() -> {
          for (Endpoint endpoint : catalog.endpoints()) {
            assertThat(upstream.requestsTo(endpoint.id())).as("probes of %s", endpoint).isEqualTo(2);
            var record = a.store().state().current().get("us-east", endpoint.model().id(), endpoint.region());
            // Two probes in the record even where the first was B's: A continued B's record.
            assertThat(record.probes()).as("record of %s", endpoint).isEqualTo(2);
          }
          test.completeNow();
        })));
  }
}
