package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.Endpoint;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SimulatorOptionsTest {
  @Test
  void defaults() {
    SimulatorOptions options = new SimulatorOptions();
    assertThat(options.getHost()).isEqualTo("127.0.0.1");
    assertThat(options.getPort()).isEqualTo(8090);
    assertThat(options.getLatencyScale()).isEqualTo(1.0);
    assertThat(options.getJitterRatio()).isEqualTo(0.03);
    assertThat(options.getDefaultOutputTokens()).isEqualTo(150);
    assertThat(options.getRequiredApiKey()).isNull();
  }

  @Test
  void jsonRoundTripAndSafeToString() {
    SimulatorOptions options =
        new SimulatorOptions()
            .setPort(0)
            .setLatencyScale(0.1)
            .setJitterRatio(0)
            .setDefaultOutputTokens(20)
            .setRequiredApiKey("sk-secret")
            .setSeed(9);
    SimulatorOptions copy = new SimulatorOptions(options.toJson());
    assertThat(copy.toJson()).isEqualTo(options.toJson());
    assertThat(copy.getRequiredApiKey()).isEqualTo("sk-secret");
    assertThat(options.toString()).doesNotContain("sk-secret").contains("requiredApiKey=set");
    assertThat(new SimulatorOptions(new JsonObject()).toJson()).isEqualTo(new SimulatorOptions().toJson());
  }

  @Test
  void rejectsImpossibleValues() {
    SimulatorOptions options = new SimulatorOptions();
    assertThatThrownBy(() -> options.setPort(70_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> options.setLatencyScale(-0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> options.setJitterRatio(2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> options.setDefaultOutputTokens(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pointAtRewritesEveryBaseUrl() {
    Catalog pointed = SimulatedProviders.pointAt(CatalogLoader.loadDefault(), "localhost", 1234);
    for (Endpoint endpoint : pointed.endpoints()) {
      assertThat(endpoint.upstreamUrl())
          .isEqualTo(
              "http://localhost:1234/" + endpoint.region() + "/" + endpoint.provider().id()
                  + "/v1" + endpoint.model().kind().upstreamPath());
    }
    // The default catalog already has the same shape on the default port.
    Catalog original = CatalogLoader.loadDefault();
    assertThat(SimulatedProviders.pointAt(original, "127.0.0.1", 8090).endpoints())
        .extracting(Endpoint::baseUrl)
        .containsExactlyElementsOf(original.endpoints().stream().map(Endpoint::baseUrl).toList());
  }
}
