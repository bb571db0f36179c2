package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthState;
import dev.meridian.health.FakeUpstream.Behaviour;
import dev.meridian.health.FakeUpstream.Mode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The verticle end to end against a scripted upstream, with a short interval. */
@ExtendWith(VertxExtension.class)
class HealthVerticleTest {
  private static final HealthKey FAULTY = new HealthKey("us-east", "glm-5", "eu-west");

  private FakeUpstream upstream;
  private Catalog catalog;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = FakeUpstream.start(vertx).await();
    catalog = upstream.pointAt(TestCatalogs.subset("step-3.5-flash", "glm-5", "deepseek-r1"));
  }

  @AfterEach
  void tearDown(Vertx vertx) {
    // Stop probing before the upstream goes, or the last rounds log connection errors.
    for (String id : vertx.deploymentIDs()) {
      vertx.undeploy(id).await();
    }
    upstream.close().await();
  }

  private static HealthOptions quickOptions() {
    return new HealthOptions()
        .setRegion("us-east")
        .setProbeIntervalMs(300)
        .setProbeTimeoutMs(1_000)
        .setFirstRoundSpreadMs(100);
  }

  private HealthVerticle verticle(HealthOptions options, HealthStore store, RegionMembership membership) {
    return new HealthVerticle(catalog, options, store, membership, ApiKeys.of(Map.of()));
  }

  @Test
  void downEndpointTurnsUnhealthyAfterKFailuresAndRecovers(Vertx vertx, VertxTestContext test) {
    LocalHealthStore store = new LocalHealthStore(new HealthState());
    HealthVerticle health = verticle(quickOptions(), store, new SingleNodeMembership("us-east"));
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicInteger published = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer(HealthAddresses.PROBE_RESULTS, message -> {
      published.incrementAndGet();
      JsonObject result = message.body();
      if (result.getString("model").equals("glm-5") && result.getString("endpointRegion").equals("eu-west")) {
        // The record is published before the event, so it already reflects this result.
        EndpointHealth record = store.state().current().get(FAULTY);
        if (record.consecutiveFailures() < 3 && !record.healthy()) {
          violations.add("unhealthy after " + record.consecutiveFailures() + " failures");
        }
      }
    });

    vertx
        .deployVerticle(health)
        .compose(id -> health.firstRoundComplete())
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(store.state().current().size()).isEqualTo(9);
          assertThat(store.state().current().records())
              .allSatisfy(r -> assertThat(r.healthy()).as("%s", r).isTrue());
          upstream.behave("glm-5@eu-west", Behaviour.of(Mode.CLOSE));
        })))
        .compose(v -> Await.until(vertx, 10_000, () -> !store.state().current().get(FAULTY).healthy()))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          EndpointHealth down = store.state().current().get(FAULTY);
          assertThat(down.consecutiveFailures()).isGreaterThanOrEqualTo(3);
          assertThat(down.lastError()).isNotBlank();
          // The other endpoints are unaffected.
          assertThat(store.state().current().get("us-east", "glm-5", "us-east").healthy()).isTrue();
          upstream.heal("glm-5@eu-west");
        })))
        .compose(v -> Await.until(vertx, 10_000, () -> store.state().current().get(FAULTY).healthy()))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(violations).isEmpty();
          assertThat(published.get()).isPositive();
          assertThat(health.accounting().probes()).isGreaterThanOrEqualTo(published.get() - 1L);
          assertThat(health.accounting().failures()).isGreaterThanOrEqualTo(3);
          assertThat(health.accounting().completionTokens()).isPositive();
          assertThat(health.accounting().dollars()).isPositive();
          test.completeNow();
        })));
  }

  @Test
  void twoNodesOfOneRegionProbeEachEndpointOncePerRound(Vertx vertx, VertxTestContext test) {
    // One shared state stands in for the cluster; the interval is long so only the first round runs.
    HealthState shared = new HealthState();
    HealthOptions options = quickOptions().setProbeIntervalMs(60_000).setFirstRoundSpreadMs(200);
    HealthVerticle one = verticle(options, new LocalHealthStore(shared), new TwoMembers("node-1"));
    HealthVerticle two = verticle(options, new LocalHealthStore(shared), new TwoMembers("node-2"));

    Future.all(vertx.deployVerticle(one), vertx.deployVerticle(two))
        .compose(v -> Future.all(one.firstRoundComplete(), two.firstRoundComplete()))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(shared.current().size()).isEqualTo(9);
          for (var endpoint : catalog.endpoints()) {
            assertThat(upstream.requestsTo(endpoint.id())).as("probes of %s", endpoint).isEqualTo(1);
          }
          assertThat(one.accounting().probes() + two.accounting().probes()).isEqualTo(9);
          assertThat(one.accounting().probes()).isPositive();
          assertThat(two.accounting().probes()).isPositive();
          test.completeNow();
        })));
  }

  @Test
  void probeNowProbesEveryOwnedEndpointAndUndeployStopsProbing(Vertx vertx, VertxTestContext test) {
    HealthOptions options = quickOptions().setProbeIntervalMs(60_000).setFirstRoundSpreadMs(0);
    HealthVerticle health =
        verticle(options, new LocalHealthStore(new HealthState()), new SingleNodeMembership("us-east"));

    vertx
        .deployVerticle(health)
        .compose(id -> health.firstRoundComplete().compose(v -> health.probeNow()).map(id))
        .onComplete(test.succeeding(id -> test.verify(() ->
            assertThat(upstream.requests()).hasSize(18))))
        .compose(vertx::undeploy)
        .compose(v -> {
          int after = upstream.requests().size();
          Promise<Integer> later = Promise.promise();
          vertx.setTimer(1_000, t -> later.complete(after));
          return later.future();
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(upstream.requests()).hasSize(after);
          test.completeNow();
        })));
  }

  @Test
  void nodeOwningNothingIsReadyAtOnce(Vertx vertx, VertxTestContext test) {
    RegionMembership elsewhere = new SingleNodeMembership("eu-west"); // not a member of us-east
    HealthVerticle health = verticle(quickOptions(), new LocalHealthStore(new HealthState()), elsewhere);

    vertx
        .deployVerticle(health)
        .compose(id -> health.firstRoundComplete())
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(upstream.requests()).isEmpty();
          test.completeNow();
        })));
  }

  @Test
  void undeployedBeforeItsFirstRoundCompletesFailsReadinessInsteadOfHanging(Vertx vertx, VertxTestContext test) {
    upstream.fallback(Behaviour.of(Mode.STALL));
    HealthOptions options = quickOptions().setProbeTimeoutMs(30_000);
    HealthVerticle health =
        verticle(options, new LocalHealthStore(new HealthState()), new SingleNodeMembership("us-east"));
    assertThat(health.probeNow().failed()).isTrue();

    vertx
        .deployVerticle(health)
        .compose(vertx::undeploy)
        .compose(v -> health.firstRoundComplete())
        .onComplete(test.failing(e -> test.verify(() -> {
          assertThat(e).hasMessageContaining("stopped");
          test.completeNow();
        })));
  }

  private record TwoMembers(String localMemberId) implements RegionMembership {
    @Override
    public List<String> membersOf(String region) {
      return List.of("node-1", "node-2");
    }

    @Override
    public void onChange(Runnable listener) {}
  }
}
