package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthState;
import dev.meridian.simulator.SimulatedProviders;
import dev.meridian.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The verticle against the simulator: an endpoint taken down turns unhealthy after K probes and back. */
@ExtendWith(VertxExtension.class)
class SimulatorHealthVerticleTest {
  private static final HealthKey DOWN = new HealthKey("eu-west", "deepseek-v4-flash", "ap-southeast");

  private SimulatorAdmin admin;
  private Catalog catalog;

  @BeforeEach
  void setUp(Vertx vertx) {
    admin =
        SimulatorAdmin.deploy(
                vertx, CatalogLoader.loadDefault(), new SimulatorOptions().setLatencyScale(0.05))
            .await();
    catalog =
        SimulatedProviders.pointAt(
            TestCatalogs.subset("qwen3-8b", "deepseek-v4-flash", "deepseek-r1"), admin.simulator, "127.0.0.1");
  }

  @AfterEach
  void tearDown(Vertx vertx) {
    for (String id : vertx.deploymentIDs()) {
      vertx.undeploy(id).await();
    }
  }

  @Test
  void endpointDownTurnsUnhealthyAfterKFailuresAndHealthyOnceItIsBack(Vertx vertx, VertxTestContext test) {
    LocalHealthStore store = new LocalHealthStore(new HealthState());
    HealthOptions options =
        new HealthOptions()
            .setRegion("eu-west")
            .setProbeIntervalMs(300)
            .setProbeTimeoutMs(1_500)
            .setFirstRoundSpreadMs(100);
    HealthVerticle health =
        new HealthVerticle(catalog, options, store, new SingleNodeMembership("eu-west"), ApiKeys.of(Map.of()));

    vertx
        .deployVerticle(health)
        .compose(id -> health.firstRoundComplete())
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(store.state().current().size()).isEqualTo(9);
          assertThat(store.state().current().records()).allSatisfy(r -> {
            assertThat(r.healthy()).as("%s", r).isTrue();
            assertThat(r.ewmaTtftMs()).as("%s", r).isPositive();
          });
        })))
        .compose(v -> admin.fault("deepseek-v4-flash", "ap-southeast", new JsonObject().put("down", true)))
        .compose(v -> Await.until(vertx, 10_000, () -> !store.state().current().get(DOWN).healthy()))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          EndpointHealth down = store.state().current().get(DOWN);
          assertThat(down.consecutiveFailures()).isGreaterThanOrEqualTo(3);
          assertThat(store.state().current().get("eu-west", "deepseek-v4-flash", "us-east").healthy()).isTrue();
        })))
        .compose(v -> admin.clearFault("deepseek-v4-flash", "ap-southeast"))
        .compose(v -> Await.until(vertx, 10_000, () -> store.state().current().get(DOWN).healthy()))
        .compose(v -> admin.stats("deepseek-v4-flash@ap-southeast"))
        .onComplete(test.succeeding(stats -> test.verify(() -> {
          // Every request the endpoint saw was a probe from eu-west.
          assertThat(stats.getLong("probes")).isEqualTo(stats.getLong("requests")).isGreaterThanOrEqualTo(5);
          assertThat(stats.getJsonObject("callerRegions").getLong("eu-west")).isEqualTo(stats.getLong("requests"));
          assertThat(health.accounting().probes()).isGreaterThanOrEqualTo(9 + 5);
          test.completeNow();
        })));
  }
}
