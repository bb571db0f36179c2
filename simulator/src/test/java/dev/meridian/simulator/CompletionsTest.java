package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompletionsTest extends SimulatorTestBase {
  private static final String PROMPT = "Explain recursion in 200 words";

  @Test
  void wholeCompletionHasUsageAndTheEndpointHeader() {
    SimClient.Reply reply =
        client.post(path("deepseek-v4-flash", "us-east"), chat("deepseek-v4-flash", PROMPT));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get(MeridianHeaders.SIMULATOR_ENDPOINT)).isEqualTo("deepseek-v4-flash@us-east");
    assertThat(reply.headers().get("content-type")).isEqualTo("application/json");
    JsonObject json = reply.json();
    assertThat(json.getString("object")).isEqualTo("chat.completion");
    assertThat(json.getString("id")).startsWith("chatcmpl-");
    assertThat(json.getLong("created")).isPositive();
    assertThat(json.getString("model")).isEqualTo("deepseek-v4-flash");
    JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getJsonObject("message").getString("role")).isEqualTo("assistant");
    assertThat(choice.getJsonObject("message").getString("content").split(" ")).hasSize(150);
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    JsonObject usage = json.getJsonObject("usage");
    assertThat(usage.getInteger("prompt_tokens")).isEqualTo(PROMPT.length() / 4);
    assertThat(usage.getInteger("completion_tokens")).isEqualTo(150);
    assertThat(usage.getInteger("total_tokens")).isEqualTo(PROMPT.length() / 4 + 150);
    // TTFT 180 ms and 150 tokens at 60 tokens/s, at 1/20 scale.
    assertThat(reply.elapsedMs()).isGreaterThanOrEqualTo((long) ((180 + 2500) * 0.05) - 1);
  }

  @Test
  void maxTokensCutsTheAnswerWithFinishReasonLength() {
    JsonObject json =
        client
            .post(path("qwen3-8b", "eu-west"), chat("qwen3-8b", "hi").put("max_completion_tokens", 7))
            .json();
    assertThat(json.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(7);
    assertThat(json.getJsonObject("usage").getInteger("prompt_tokens")).isEqualTo(1);
    assertThat(json.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
  }

  @Test
  void upstreamAndClientIdsReachTheSameEndpointWithTheSameContent() {
    String path = path("deepseek-r1", "ap-southeast");
    SimClient.Reply upstream = client.post(path, chat("deepseek-reasoner", PROMPT).put("max_tokens", 20));
    SimClient.Reply clientId = client.post(path, chat("deepseek-r1", PROMPT).put("max_tokens", 20));
    SimClient.Reply again = client.post(path, chat("deepseek-r1", PROMPT).put("max_tokens", 20));

    assertThat(upstream.headers().get(MeridianHeaders.SIMULATOR_ENDPOINT)).isEqualTo("deepseek-r1@ap-southeast");
    assertThat(clientId.headers().get(MeridianHeaders.SIMULATOR_ENDPOINT)).isEqualTo("deepseek-r1@ap-southeast");
    assertThat(upstream.json().getString("model")).isEqualTo("deepseek-reasoner");
    assertThat(message(upstream)).isEqualTo(message(clientId)).isEqualTo(message(again));
    // Another prompt says something else.
    SimClient.Reply other = client.post(path, chat("deepseek-r1", "Something else").put("max_tokens", 20));
    assertThat(message(other)).isNotEqualTo(message(clientId));
  }

  @Test
  void streamDeliversOneChunkPerTokenThenFinishUsageAndDone() {
    SimClient.SseStream stream =
        client.stream(path("step-3.5-flash", "us-east"), streamingChat("step-3.5-flash", PROMPT, 12), Map.of());
    List<SimClient.Event> events = stream.awaitEnd();

    assertThat(stream.head.join()).isEqualTo(200);
    List<JsonObject> chunks = choiceChunks(events);
    assertThat(chunks).hasSize(12 + 1);
    JsonObject first = chunks.get(0).getJsonArray("choices").getJsonObject(0);
    assertThat(first.getJsonObject("delta").getString("role")).isEqualTo("assistant");
    assertThat(first.getJsonObject("delta").getString("content")).isNotBlank();
    assertThat(first.getValue("finish_reason")).isNull();
    for (JsonObject chunk : chunks) {
      assertThat(chunk.getString("object")).isEqualTo("chat.completion.chunk");
      assertThat(chunk.getString("model")).isEqualTo("step-3.5-flash");
      assertThat(chunk.getString("id")).isEqualTo(chunks.get(0).getString("id"));
    }
    JsonObject last = chunks.get(12).getJsonArray("choices").getJsonObject(0);
    assertThat(last.getString("finish_reason")).isEqualTo("length");
    assertThat(last.getJsonObject("delta")).isEmpty();

    JsonObject usageChunk = events.get(events.size() - 2).json();
    assertThat(usageChunk.getJsonArray("choices")).isEmpty();
    assertThat(usageChunk.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(12);
    assertThat(events.get(events.size() - 1).done()).isTrue();
    assertThat(simulator.stats().endpoint("step-3.5-flash@us-east").completed()).isEqualTo(1);
  }

  @Test
  void streamedContentMatchesTheWholeAnswer() {
    String path = path("glm-4-32b", "eu-west");
    String whole =
        client.post(path, chat("glm-4-32b-0414", PROMPT).put("max_tokens", 15)).json()
            .getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
    List<SimClient.Event> events =
        client.stream(path, streamingChat("glm-4-32b", PROMPT, 15), Map.of()).awaitEnd();
    assertThat(concatenated(events, "content")).isEqualTo(whole);
  }

  @Test
  void streamWithoutIncludeUsageHasNoUsageChunk() {
    JsonObject body = chat("qwen3-8b", PROMPT).put("stream", true).put("max_tokens", 3);
    List<SimClient.Event> events = client.stream(path("qwen3-8b", "us-east"), body, Map.of()).awaitEnd();
    assertThat(events).hasSize(3 + 1 + 1);
    assertThat(choiceChunks(events)).hasSize(4);
    assertThat(events.get(events.size() - 1).done()).isTrue();
  }

  @Test
  void firstChunkArrivesAtTheTtftAndTokensArePaced() {
    // qwen3.5-397b: TTFT 1200 ms, 10 tokens/s; at 1/20 scale 60 ms, then 5 ms per token.
    SimClient.SseStream stream =
        client.stream(path("qwen3.5-397b", "us-east"), streamingChat("qwen3.5-397b", PROMPT, 11), Map.of());
    List<SimClient.Event> events = stream.awaitEnd();

    // Lower bounds from the request's start: timers never fire early, but a busy machine may be late.
    List<SimClient.Event> tokens = events.subList(0, 11);
    for (int i = 0; i < tokens.size(); i++) {
      assertThat(tokens.get(i).atMs()).as("token " + i).isGreaterThanOrEqualTo(60 + 5L * i - 1);
      if (i > 0) {
        assertThat(tokens.get(i).atMs()).isGreaterThanOrEqualTo(tokens.get(i - 1).atMs());
      }
    }
  }

  @Test
  void reasoningModelThinksFirst() {
    // 40 tokens: min(32, max(1, 40 / 5)) = 8 reasoning tokens, then 32 of content.
    List<SimClient.Event> events =
        client.stream(path("kimi-k2.5", "ap-southeast"), streamingChat("kimi-k2.5", PROMPT, 40), Map.of())
            .awaitEnd();
    List<JsonObject> chunks = choiceChunks(events);
    assertThat(chunks).hasSize(41);
    for (int i = 0; i < 40; i++) {
      JsonObject delta = chunks.get(i).getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
      if (i < 8) {
        assertThat(delta.getString("reasoning_content")).as("chunk " + i).isNotBlank();
        assertThat(delta.containsKey("content")).as("chunk " + i).isFalse();
      } else {
        assertThat(delta.getString("content")).as("chunk " + i).isNotBlank();
        assertThat(delta.containsKey("reasoning_content")).as("chunk " + i).isFalse();
      }
    }
    JsonObject usage = events.get(events.size() - 2).json().getJsonObject("usage");
    assertThat(usage.getInteger("completion_tokens")).isEqualTo(40);
    assertThat(usage.getJsonObject("completion_tokens_details").getInteger("reasoning_tokens")).isEqualTo(8);
  }

  @Test
  void tinyBudgetOnAReasoningModelYieldsOnlyThinkingAndLength() {
    List<SimClient.Event> events =
        client.stream(path("deepseek-r1", "us-east"), streamingChat("deepseek-r1", PROMPT, 1), Map.of())
            .awaitEnd();
    assertThat(concatenated(events, "content")).isEmpty();
    assertThat(concatenated(events, "reasoning_content")).isNotEmpty();
    List<JsonObject> chunks = choiceChunks(events);
    assertThat(chunks).hasSize(2);
    assertThat(chunks.get(1).getJsonArray("choices").getJsonObject(0).getString("finish_reason"))
        .isEqualTo("length");
    // Two tokens: one of thinking (at least one always), one of answer.
    List<SimClient.Event> two =
        client.stream(path("deepseek-r1", "us-east"), streamingChat("deepseek-r1", PROMPT, 2), Map.of())
            .awaitEnd();
    assertThat(concatenated(two, "reasoning_content").split(" ")).hasSize(1);
    assertThat(concatenated(two, "content").split(" ")).hasSize(1);

    JsonObject whole =
        client.post(path("deepseek-r1", "us-east"), chat("deepseek-r1", PROMPT).put("max_tokens", 1)).json();
    JsonObject message = whole.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertThat(message.getString("reasoning_content")).isNotBlank();
    assertThat(message.getString("content")).isEmpty();
  }

  @Test
  void modelsListsTheProvidersModelsInThatRegion() {
    SimClient.Reply reply = client.get("/eu-west/deepseek/v1/models");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getString("object")).isEqualTo("list");
    assertThat(reply.json().getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")))
        .containsExactlyInAnyOrder("deepseek-v4-flash", "deepseek-v4-pro", "deepseek-reasoner");
    assertThat(client.get("/eu-west/nobody/v1/models").status()).isEqualTo(404);
  }

  @Test
  void unknownRegionProviderOrModelIs404InOpenAiShape() {
    SimClient.Reply region = client.post(chatPath("mars-north", "qwen"), chat("qwen3-8b", PROMPT));
    SimClient.Reply provider = client.post(chatPath("us-east", "nobody"), chat("qwen3-8b", PROMPT));
    SimClient.Reply model = client.post(chatPath("us-east", "qwen"), chat("glm-5", PROMPT));
    for (SimClient.Reply reply : List.of(region, provider, model)) {
      assertThat(reply.status()).isEqualTo(404);
      JsonObject error = reply.json().getJsonObject("error");
      assertThat(error.getString("message")).isNotBlank();
      assertThat(error.getString("type")).isEqualTo("invalid_request_error");
      assertThat(error.containsKey("code")).isTrue();
      assertThat(error.containsKey("param")).isTrue();
      assertThat(reply.headers().get(MeridianHeaders.SIMULATOR_ENDPOINT)).isNull();
    }
    assertThat(model.json().getJsonObject("error").getString("code")).isEqualTo("model_not_found");
  }

  @Test
  void malformedJsonIs400() {
    SimClient.Reply reply =
        client.call(HttpMethod.POST, path("glm-5", "us-east"), "{\"model\": \"glm-5\", ", Map.of());
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getJsonObject("error").getString("code")).isEqualTo("invalid_json");
    SimClient.Reply noMessages =
        client.post(path("glm-5", "us-east"), new JsonObject().put("model", "glm-5"));
    assertThat(noMessages.status()).isEqualTo(400);
  }

  @Test
  void healthzAndUnknownPaths() {
    SimClient.Reply health = client.get("/healthz");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json()).isEqualTo(new JsonObject().put("status", "ok"));
    SimClient.Reply unknown = client.get("/nowhere");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getJsonObject("error").getString("code")).isEqualTo("unknown_url");
  }

  private static String message(SimClient.Reply reply) {
    return reply.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message").encode();
  }
}
