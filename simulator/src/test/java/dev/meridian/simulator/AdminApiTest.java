package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AdminApiTest extends SimulatorTestBase {
  @Test
  void putListAndClearFaults() {
    SimClient.Reply put = client.put("/admin/faults/glm-5/eu-west", "{\"errorRate\":1.0,\"errorStatus\":502}");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().getString("endpoint")).isEqualTo("glm-5@eu-west");
    assertThat(put.json().getJsonObject("fault").getDouble("errorRate")).isEqualTo(1.0);
    client.put("/admin/faults/qwen3-8b/us-east", "{\"down\":true}");

    JsonObject listed = client.get("/admin/faults").json();
    assertThat(listed.fieldNames()).containsExactlyInAnyOrder("glm-5@eu-west", "qwen3-8b@us-east");
    assertThat(listed.getJsonObject("glm-5@eu-west").getInteger("errorStatus")).isEqualTo(502);
    assertThat(simulator.faults().get("qwen3-8b", "us-east").down()).isTrue();
    assertThat(client.post(path("glm-5", "eu-west"), chat("glm-5", "hi")).status()).isEqualTo(502);

    SimClient.Reply cleared = client.delete("/admin/faults/glm-5/eu-west");
    assertThat(cleared.json().getBoolean("cleared")).isTrue();
    assertThat(client.get("/admin/faults").json().fieldNames()).containsExactly("qwen3-8b@us-east");
    assertThat(client.post(path("glm-5", "eu-west"), chat("glm-5", "hi").put("max_tokens", 1)).status())
        .isEqualTo(200);

    assertThat(client.delete("/admin/faults").json().getInteger("cleared")).isEqualTo(1);
    assertThat(client.get("/admin/faults").json()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"errorRate\":2}",
        "{\"rateLimitRate\":\"half\"}",
        "{\"stallAfterChunks\":-1}",
        "{\"errorStatus\":200,\"errorRate\":1}",
        "{\"latency\":100}",
        "{\"errorRate\":",
        "[1,2]",
        ""
      })
  void invalidFaultsAre400InOpenAiShape(String body) {
    SimClient.Reply reply = client.put("/admin/faults/glm-5/us-east", body);
    assertThat(reply.status()).isEqualTo(400);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("message")).isNotBlank();
    assertThat(simulator.faults().active()).isEmpty();
  }

  @Test
  void faultsOnUnknownEndpointsAre404() {
    assertThat(client.put("/admin/faults/gpt-9/us-east", "{\"down\":true}").status()).isEqualTo(404);
    assertThat(client.put("/admin/faults/glm-5/mars-north", "{\"down\":true}").status()).isEqualTo(404);
    assertThat(client.delete("/admin/faults/gpt-9/us-east").status()).isEqualTo(404);
  }

  @Test
  void statsCountRequestsProbesCallerRegionsAndCompletions() {
    String path = path("hunyuan-turbos", "ap-southeast");
    JsonObject body = chat("hunyuan-turbos-latest", "hi").put("max_tokens", 2);
    client.post(path, body, Map.of(MeridianHeaders.PROBE, "true", MeridianHeaders.ROUTER_REGION, "us-east"));
    client.post(path, body, Map.of(MeridianHeaders.ROUTER_REGION, "ap-southeast"));
    client.post(path, body, Map.of(MeridianHeaders.ROUTER_REGION, "mars-north"));
    client.post(path, body);

    JsonObject stats = client.get("/admin/stats").json().getJsonObject("hunyuan-turbos@ap-southeast");
    assertThat(stats.getLong("requests")).isEqualTo(4);
    assertThat(stats.getLong("probes")).isEqualTo(1);
    assertThat(stats.getLong("completed")).isEqualTo(4);
    assertThat(stats.getLong("cancelled")).isZero();
    assertThat(stats.getLong("authorizationPresent")).isZero();
    assertThat(stats.getJsonObject("callerRegions"))
        .isEqualTo(
            new JsonObject().put("ap-southeast", 1L).put("none", 1L).put("other", 1L).put("us-east", 1L));
    assertThat(simulator.stats().totalRequests()).isEqualTo(4);

    assertThat(client.delete("/admin/stats").status()).isEqualTo(200);
    assertThat(client.get("/admin/stats").json()).isEmpty();
  }

  @Test
  void statsCountFaultsByKind() {
    client.put("/admin/faults/glm-5/us-east", "{\"rateLimitRate\":1}");
    client.post(path("glm-5", "us-east"), chat("glm-5", "hi"));
    JsonObject stats = client.get("/admin/stats").json().getJsonObject("glm-5@us-east");
    assertThat(stats.getJsonObject("faults")).isEqualTo(new JsonObject().put("rateLimit", 1L));
  }
}
