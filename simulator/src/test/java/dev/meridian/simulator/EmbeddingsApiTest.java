package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelKind;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated providers' {@code /v1/embeddings}: what a client of a real provider would rely on. */
class EmbeddingsApiTest extends SimulatorTestBase {
  private static final String MODEL = "text-embedding-v4";

  @Override
  SimulatorOptions options() {
    return super.options().setLatencyScale(0);
  }

  private static String path(String region) {
    return "/" + region + "/" + CATALOG.model(MODEL).provider() + "/v1/embeddings";
  }

  private SimClient.Reply embed(JsonObject body) {
    return client.post(path("us-east"), body);
  }

  private static double[] floats(JsonObject item) {
    JsonArray array = item.getJsonArray("embedding");
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.getDouble(i);
    }
    return values;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  @Test
  void everyEmbeddingEndpointAnswersAtItsCatalogUrl() {
    Catalog pointed = SimulatedProviders.pointAt(CATALOG, simulator, "127.0.0.1");
    List<Endpoint> endpoints =
        pointed.endpoints().stream().filter(e -> e.model().kind() == ModelKind.EMBEDDING).toList();
    assertThat(endpoints).hasSize(8);
    for (Endpoint endpoint : endpoints) {
      SimClient.Reply reply = client.post(URI.create(endpoint.upstreamUrl()).getPath(),
          new JsonObject().put("model", endpoint.model().upstreamId()).put("input", "hello"));
      assertThat(reply.status()).as(endpoint.id()).isEqualTo(200);
      JsonObject body = new JsonObject(reply.body());
      assertThat(body.getJsonArray("data").getJsonObject(0).getJsonArray("embedding"))
          .as(endpoint.id()).hasSize(endpoint.model().embedding().dimensions());
      assertThat(body.getJsonObject("usage").getInteger("prompt_tokens")).isPositive();
      assertThat(body.getJsonObject("usage").getInteger("total_tokens"))
          .isEqualTo(body.getJsonObject("usage").getInteger("prompt_tokens"));
    }
  }

  @Test
  void vectorsAreUnitLengthDeterministicAndDistinctPerInput() {
    JsonObject request = new JsonObject().put("model", MODEL).put("input", new JsonArray().add("cat").add("dog").add("cat"));
    JsonArray data = new JsonObject(embed(request).body()).getJsonArray("data");
    assertThat(data).hasSize(3);
    double[] cat = floats(data.getJsonObject(0));
    double[] dog = floats(data.getJsonObject(1));
    assertThat(data.getJsonObject(2).getInteger("index")).isEqualTo(2);
    assertThat(dot(cat, cat)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(floats(data.getJsonObject(2))).as("same input, same vector").containsExactly(cat);
    assertThat(Math.abs(dot(cat, dog))).as("different inputs, nearly orthogonal").isLessThan(0.2);
    double[] again = floats(new JsonObject(embed(request).body()).getJsonArray("data").getJsonObject(0));
    assertThat(again).as("the same across requests").containsExactly(cat);
  }

  @Test
  void dimensionsAndBase64AreHonoured() {
    JsonObject asFloats = new JsonObject(embed(new JsonObject().put("model", MODEL).put("input", "x").put("dimensions", 256)).body());
    double[] expected = floats(asFloats.getJsonArray("data").getJsonObject(0));
    assertThat(expected).hasSize(256);
    JsonObject asBase64 = new JsonObject(embed(new JsonObject().put("model", MODEL).put("input", "x").put("dimensions", 256)
        .put("encoding_format", "base64")).body());
    byte[] bytes = Base64.getDecoder().decode(asBase64.getJsonArray("data").getJsonObject(0).getString("embedding"));
    ByteBuffer little = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes).hasSize(256 * Float.BYTES);
    for (double value : expected) {
      assertThat((double) little.getFloat()).isCloseTo(value, org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void whatTheModelCannotDoIsAProviderStyle400() {
    SimClient.Reply dims = embed(new JsonObject().put("model", MODEL).put("input", "x").put("dimensions", 100));
    assertThat(dims.status()).isEqualTo(400);
    assertThat(new JsonObject(dims.body()).getJsonObject("error").getString("param")).isEqualTo("dimensions");
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < CATALOG.model(MODEL).embedding().maxInputs() + 1; i++) {
      eleven.add("input " + i);
    }
    SimClient.Reply batch = embed(new JsonObject().put("model", MODEL).put("input", eleven));
    assertThat(batch.status()).isEqualTo(400);
    assertThat(new JsonObject(batch.body()).getJsonObject("error").getString("code")).isEqualTo("batch_too_large");
    SimClient.Reply chatModel = embed(new JsonObject().put("model", "qwen3-32b").put("input", "x"));
    assertThat(chatModel.status()).as("a chat model has no embeddings").isEqualTo(404);
    SimClient.Reply empty = embed(new JsonObject().put("model", MODEL).put("input", ""));
    assertThat(empty.status()).isEqualTo(400);
    SimClient.Reply chatArgument = embed(new JsonObject().put("model", MODEL).put("input", "x").put("max_tokens", 5));
    assertThat(chatArgument.status()).isEqualTo(400);
    assertThat(new JsonObject(chatArgument.body()).getJsonObject("error").getString("param")).isEqualTo("max_tokens");
  }

  @Test
  void faultsApplyAsToChat() {
    simulator.faults().set(MODEL, "us-east", FaultSpec.NONE.withErrorRate(1).withErrorStatus(503));
    SimClient.Reply failed = embed(new JsonObject().put("model", MODEL).put("input", "x"));
    assertThat(failed.status()).isEqualTo(503);
    assertThat(client.post(path("eu-west"), new JsonObject().put("model", MODEL).put("input", "x")).status())
        .as("only the faulted endpoint").isEqualTo(200);
    assertThat(simulator.stats().endpoint(MODEL + "@us-east").faults(FaultKind.ERROR)).isEqualTo(1);
    assertThat(client.call(HttpMethod.GET, "/us-east/qwen/v1/models", null, Map.of()).body()).contains(MODEL);
  }
}
