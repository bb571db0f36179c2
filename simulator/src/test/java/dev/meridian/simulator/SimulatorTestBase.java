package dev.meridian.simulator;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deploys a fresh simulator on a random port for each test; subclasses tune its options. */
@ExtendWith(VertxExtension.class)
abstract class SimulatorTestBase {
  static final Catalog CATALOG = CatalogLoader.loadDefault();

  Vertx vertx;
  SimulatorVerticle simulator;
  SimClient client;

  /** Fast, exact timings by default: 1/20 of real time, no jitter. */
  SimulatorOptions options() {
    return new SimulatorOptions().setPort(0).setLatencyScale(0.05).setJitterRatio(0);
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext context) {
    this.vertx = vertx;
    simulator = new SimulatorVerticle(CATALOG, options());
    vertx
        .deployVerticle(simulator)
        .onComplete(
            context.succeeding(
                id -> {
                  client = new SimClient(vertx, simulator.actualPort());
                  context.completeNow();
                }));
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  static String chatPath(String region, String provider) {
    return "/" + region + "/" + provider + "/v1/chat/completions";
  }

  /** The chat path of a catalog model's endpoint in {@code region}. */
  static String path(String modelId, String region) {
    return chatPath(region, CATALOG.model(modelId).provider());
  }

  static JsonObject chat(String model, String prompt) {
    return new JsonObject()
        .put("model", model)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  static JsonObject streamingChat(String model, String prompt, int maxTokens) {
    return chat(model, prompt)
        .put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true))
        .put("max_tokens", maxTokens);
  }

  /** The chunks carrying a choice (not usage, not [DONE]). */
  static List<JsonObject> choiceChunks(List<SimClient.Event> events) {
    return events.stream()
        .filter(e -> !e.done())
        .map(SimClient.Event::json)
        .filter(json -> !json.getJsonArray("choices").isEmpty())
        .collect(Collectors.toList());
  }

  /** Streamed text of one delta field ("content" or "reasoning_content"). */
  static String concatenated(List<SimClient.Event> events, String field) {
    StringBuilder text = new StringBuilder();
    for (JsonObject chunk : choiceChunks(events)) {
      String piece = chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString(field);
      if (piece != null) {
        text.append(piece);
      }
    }
    return text.toString();
  }
}
