package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every catalog endpoint answers at its pointed-at URL; at latency scale 0, everything is immediate. */
class AllEndpointsTest extends SimulatorTestBase {
  @Override
  SimulatorOptions options() {
    return super.options().setLatencyScale(0).setDefaultOutputTokens(5);
  }

  @Test
  void everyChatEndpointAnswersAtItsCatalogUrlWholeAndStreamed() {
    Catalog pointed = SimulatedProviders.pointAt(CATALOG, simulator, "127.0.0.1");
    List<Endpoint> chatEndpoints = pointed.endpoints().stream()
        .filter(e -> e.model().kind() == dev.meridian.core.catalog.ModelKind.CHAT).toList();
    assertThat(chatEndpoints).hasSize(45);
    List<Future<SimClient.Reply>> replies = new ArrayList<>();
    for (Endpoint endpoint : chatEndpoints) {
      String path = URI.create(endpoint.upstreamUrl()).getPath();
      JsonObject body = chat(endpoint.model().upstreamId(), "hello");
      replies.add(client.callAsync(HttpMethod.POST, path, body.encode(), Map.of()));
      replies.add(client.callAsync(HttpMethod.POST, path, body.put("stream", true).encode(), Map.of()));
    }
    SimClient.await(Future.all(replies));
    for (int i = 0; i < replies.size(); i++) {
      Endpoint endpoint = chatEndpoints.get(i / 2);
      SimClient.Reply reply = replies.get(i).result();
      assertThat(reply.status()).as(endpoint.id()).isEqualTo(200);
      assertThat(reply.headers().get(MeridianHeaders.SIMULATOR_ENDPOINT)).isEqualTo(endpoint.id());
      if (i % 2 == 1) {
        assertThat(reply.headers().get("content-type")).isEqualTo("text/event-stream");
        assertThat(reply.body()).endsWith("data: [DONE]\n\n");
      }
    }
    for (Endpoint endpoint : chatEndpoints) {
      assertThat(simulator.stats().endpoint(endpoint.id()).completed()).isEqualTo(2);
    }
  }
}
