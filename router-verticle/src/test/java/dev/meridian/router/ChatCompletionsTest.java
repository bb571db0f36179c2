package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChatCompletionsTest extends RouterTestBase {

  @Test
  void nonStreamingReturnsTheSimulatorsCompletionAndNamesTheRoute() throws Exception {
    observe("glm-5", "us-east", 500);
    observe("glm-5", "ap-southeast", 300);
    observe("glm-5", "eu-west", 700);

    Reply reply = post("/v1/chat/completions", chat("glm-5", false).encode());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("glm-5");
    assertThat(reply.header(MeridianHeaders.ROUTE_PROVIDER)).isEqualTo("zhipu");
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("ap-southeast");
    assertThat(reply.header(MeridianHeaders.ATTEMPTS)).isEqualTo("1");
    assertThat(reply.header(MeridianHeaders.REQUEST_ID)).isNotBlank();
    assertThat(reply.header(MeridianHeaders.SIMULATOR_ENDPOINT)).isNull();
    JsonObject completion = reply.json();
    assertThat(completion.getString("object")).isEqualTo("chat.completion");
    assertThat(completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
        .isNotBlank();
    assertThat(completion.getJsonObject("usage").getInteger("completion_tokens")).isPositive();

    // The same request sent straight to the chosen simulated endpoint gives the same content.
    Buffer direct = await(client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setAbsoluteURI(catalog.endpoint("glm-5", "ap-southeast").upstreamUrl())
            .putHeader("content-type", "application/json"))
        .compose(r -> r.send(chat("glm-5", false).put("model", "glm-5").toBuffer()))
        .compose(HttpClientResponse::body));
    assertThat(completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
        .isEqualTo(direct.toJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
  }

  @Test
  void streamingIsPassedThroughChunkByChunkNotBuffered() throws Exception {
    // deepseek-r1 at 15 tokens/s: 150 tokens take 10 s at full scale, 400 ms here; its first token
    // arrives after ~32 ms. A buffering router would deliver the first chunk at the very end.
    observe("deepseek-r1", "us-east", 800);

    List<Long> chunkArrivalNanos = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    Promise<Void> ended = Promise.promise();
    HttpClientRequest request = await(client.request(new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(router.actualPort()).setURI("/v1/chat/completions")
        .putHeader("content-type", "application/json")));
    // Paused on the event loop until this thread has its handlers in place: no chunk may slip past.
    HttpClientResponse response =
        await(request.send(chat("deepseek-r1", true).toBuffer()).map(r -> (HttpClientResponse) r.pause()));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("text/event-stream");
    assertThat(response.getHeader(MeridianHeaders.ROUTE_REGION)).isEqualTo("us-east");
    response.handler(chunk -> {
      chunkArrivalNanos.add(System.nanoTime());
      body.append(chunk.toString());
    });
    response.endHandler(v -> ended.complete());
    response.exceptionHandler(ended::tryFail);
    response.resume();
    ended.future().await(20, TimeUnit.SECONDS);
    long endNanos = System.nanoTime();

    assertThat(chunkArrivalNanos.size()).isGreaterThan(10);
    long firstToEndMs = TimeUnit.NANOSECONDS.toMillis(endNanos - chunkArrivalNanos.get(0));
    assertThat(firstToEndMs).as("first chunk must arrive long before the stream ends").isGreaterThan(200);
    assertThat(body.toString()).contains("\"reasoning_content\"").contains("\"content\"").endsWith("data: [DONE]\n\n");
  }

  @Test
  void failedPrimaryFallsOverToTheNextRegionBeforeTheFirstByte() throws Exception {
    observe("qwen3-32b", "us-east", 100);
    observe("qwen3-32b", "eu-west", 200);
    observe("qwen3-32b", "ap-southeast", 300);
    fault("qwen3-32b", "us-east", new JsonObject().put("down", true));

    Reply reply = post("/v1/chat/completions", chat("qwen3-32b", true).encode());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(reply.header(MeridianHeaders.ATTEMPTS)).isEqualTo("2");
    assertThat(reply.body().toString()).endsWith("data: [DONE]\n\n");
  }

  @Test
  void rateLimitedEverywhereIsA429WithRetryAfter() throws Exception {
    for (String region : List.of("us-east", "eu-west", "ap-southeast")) {
      observe("glm-4-32b", region, 300);
      fault("glm-4-32b", region, new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 7));
    }

    Reply reply = post("/v1/chat/completions", chat("glm-4-32b", false).encode());

    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.header("retry-after")).isEqualTo("7");
    assertThat(reply.json().getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
    assertThat(reply.header(MeridianHeaders.ATTEMPTS)).isEqualTo("3");
  }

  @Test
  void midStreamFailureEndsWithAnSseErrorEventNotASilentSwitch() throws Exception {
    observe("kimi-k2.5", "us-east", 100);
    observe("kimi-k2.5", "eu-west", 200);
    fault("kimi-k2.5", "us-east", new JsonObject().put("resetAfterChunks", 3));

    Reply reply = post("/v1/chat/completions", chat("kimi-k2.5", true).encode());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("us-east");
    String text = reply.body().toString();
    assertThat(text).doesNotContain("[DONE]");
    String lastEvent = text.substring(text.lastIndexOf("data: ")).trim();
    JsonObject error = new JsonObject(lastEvent.substring("data: ".length())).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("upstream_stream_error");
    assertThat(error.getString("type")).isEqualTo("server_error");
    awaitCondition(Duration.ofSeconds(5), () -> lastExchange.get() != null);
    assertThat(lastExchange.get().outcome()).isEqualTo("stream_broken");
  }

  @Test
  void aClientThatDisconnectsCancelsItsUpstreamRequest() throws Exception {
    observe("qwen3.5-397b", "us-east", 100);
    // 10 tokens/s: the full answer would take 600 ms even at this scale.
    HttpClientRequest request = await(client.request(new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(router.actualPort()).setURI("/v1/chat/completions")
        .putHeader("content-type", "application/json")));
    HttpClientResponse response = await(request.send(chat("qwen3.5-397b", true).toBuffer()));
    Promise<Void> firstChunk = Promise.promise();
    response.handler(chunk -> firstChunk.tryComplete());
    firstChunk.future().await(10, TimeUnit.SECONDS);

    await(request.connection().close());

    awaitCondition(Duration.ofSeconds(5), () -> lastExchange.get() != null);
    assertThat(lastExchange.get().outcome()).isEqualTo("client_gone");
    awaitCondition(Duration.ofSeconds(5), () -> {
      try {
        JsonObject stats = simulatorAdmin(HttpMethod.GET, "/admin/stats", null);
        return stats.toString().contains("\"cancelled\":1");
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void tierAndAutoRouteToTheFastestObservedEndpointOfTheCheapestTier() throws Exception {
    observe("qwen3-8b", "us-east", 400);
    observe("step-3.5-flash", "eu-west", 150);
    observe("deepseek-v4-flash", "us-east", 90);

    Reply auto = post("/v1/chat/completions", chat("auto", false).encode());
    assertThat(auto.status()).isEqualTo(200);
    assertThat(auto.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("step-3.5-flash");
    assertThat(auto.header(MeridianHeaders.ROUTE_REGION)).isEqualTo("eu-west");
    assertThat(auto.header(MeridianHeaders.ROUTE_REASON)).contains("ultra-budget");

    Reply budget = post("/v1/chat/completions", chat("budget", false).encode());
    assertThat(budget.header(MeridianHeaders.ROUTE_MODEL)).isEqualTo("deepseek-v4-flash");
  }

  @Test
  void modelsListsCatalogModelsTiersAndAutoInTheOpenAiShape() throws Exception {
    observe("glm-5", "ap-southeast", 420);
    Reply reply = send(HttpMethod.GET, "/v1/models", null, java.util.Map.of());
    assertThat(reply.status()).isEqualTo(200);
    JsonObject json = reply.json();
    assertThat(json.getString("object")).isEqualTo("list");
    List<String> ids = json.getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")).toList();
    assertThat(ids).contains("glm-5", "deepseek-r1", "budget", "premium", "auto").hasSize(catalog.models().size() + 4 + 1 + catalog.aliases().all().size());
    JsonObject glm = json.getJsonArray("data").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("id").equals("glm-5")).findFirst().orElseThrow();
    assertThat(glm.getString("owned_by")).isEqualTo("zhipu");
    assertThat(glm.getJsonObject("meridian").getJsonArray("regions").encode())
        .contains("\"region\":\"ap-southeast\",\"status\":\"healthy\"")
        .contains("\"status\":\"unobserved\"");
  }
}
