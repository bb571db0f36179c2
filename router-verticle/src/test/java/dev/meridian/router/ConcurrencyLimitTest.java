package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A key's {@code maxConcurrentRequests}: a request over it is a 429 before it counts against anything
 * else, and every way a request can end gives its slot back (streams ending, refusals after the slot was
 * taken, a draining router, a client hanging up before or during the stream).
 */
class ConcurrencyLimitTest extends RouterTestBase {
  static final String TWO = "sk-mer-test-concurrency-two-000001";
  static final String TINY = "sk-mer-test-concurrency-tiny-00002";

  AccessControl access;
  RequestGate gate;

  @Override
  AccessControl access() {
    String file =
        "{\"keys\":["
            + "{\"name\":\"two\",\"sha256\":\"" + KeyHash.sha256Hex(TWO) + "\",\"maxConcurrentRequests\":2,"
            + "\"requestsPerMinute\":1000},"
            + "{\"name\":\"tiny\",\"sha256\":\"" + KeyHash.sha256Hex(TINY) + "\",\"maxConcurrentRequests\":1,"
            + "\"requestsPerMinute\":1}]}";
    access = AccessControl.withKeys(ClientKeys.parse(file, "test"));
    return access;
  }

  @Override
  RequestGate gate() {
    gate = new RequestGate();
    return gate;
  }

  int inFlight(String name) {
    return access.concurrency().inFlight(name);
  }

  Reply chatAs(String key, JsonObject body) throws Exception {
    return send(HttpMethod.POST, "/v1/chat/completions", body.toBuffer(), Map.of("authorization", "Bearer " + key));
  }

  Future<Reply> chatAsync(String key, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(router.actualPort()).setURI("/v1/chat/completions")
        .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + key);
    Promise<Reply> promise = Promise.promise();
    vertx.runOnContext(v -> client.request(options)
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(b -> toReply(response, b)))
        .onComplete(promise));
    return promise.future();
  }

  JsonObject clientStatus(String name) throws Exception {
    return send(HttpMethod.GET, "/status.json", null, Map.of()).json().getJsonArray("clients").stream()
        .map(JsonObject.class::cast).filter(c -> c.getString("name").equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aThirdRequestWhileTwoStreamsRunIsA429AndTheSlotsComeBackWhenTheyEnd() throws Exception {
    observe("glm-5", "us-east", 100);
    // 50 s at this latency scale is 2 s before the first token: long enough to hold both slots.
    fault("glm-5", "us-east", new JsonObject().put("addedLatencyMs", 50_000));
    long minute = System.currentTimeMillis() / 60_000;
    Future<Reply> first = chatAsync(TWO, chat("glm-5", true));
    Future<Reply> second = chatAsync(TWO, chat("glm-5", true));
    awaitCondition(Duration.ofSeconds(5), () -> inFlight("two") == 2);
    assertThat(clientStatus("two").getInteger("inFlightHere")).isEqualTo(2);
    assertThat(clientStatus("two").getInteger("maxConcurrentRequests")).isEqualTo(2);

    Reply third = chatAs(TWO, chat("glm-5", false));
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.header("content-type")).startsWith("application/json");
    assertThat(third.header("retry-after")).isEqualTo("1");
    JsonObject error = third.json().getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "code", "param");
    assertThat(error.getString("type")).isEqualTo("rate_limit_error");
    assertThat(error.getString("code")).isEqualTo("concurrency_limit_exceeded");
    assertThat(error.getString("param")).isEqualTo("concurrency");
    assertThat(error.getString("message")).contains("'two'").contains("2 requests in flight");
    // Refused before the requests-per-minute check: no rate-limit headers, nothing charged.
    assertThat(third.header("x-ratelimit-remaining-requests")).isNull();
    if (System.currentTimeMillis() / 60_000 == minute) {
      assertThat(access.limiter().status(System.currentTimeMillis()).stream()
          .filter(k -> k.name().equals("two")).findFirst().orElseThrow().requestsThisMinute()).isEqualTo(2);
    }
    assertThat(registry.scrape()).contains("meridian_client_limited_total{client=\"two\",limit=\"concurrency\"} 1.0");
    ExchangeRecord refusal = awaitExchange(record -> record.status() == 429);
    assertThat(refusal.outcome()).as("the client's own limit").isEqualTo("client_error");
    assertThat(inFlight("two")).as("a refusal holds no slot").isEqualTo(2);

    for (Future<Reply> stream : java.util.List.of(first, second)) {
      Reply reply = await(stream);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.body().toString()).endsWith("data: [DONE]\n\n");
    }
    awaitCondition(Duration.ofSeconds(5), () -> inFlight("two") == 0);
    assertThat(clientStatus("two").getInteger("inFlightHere")).isZero();
    simulatorAdmin(HttpMethod.DELETE, "/admin/faults/glm-5/us-east", null);
    assertThat(chatAs(TWO, chat("glm-5", false)).status()).isEqualTo(200);
    awaitCondition(Duration.ofSeconds(5), () -> inFlight("two") == 0);
  }

  @Test
  void aClientThatHangsUpMidStreamGivesItsSlotBack() throws Exception {
    // A slow reasoning model asked for a long answer: still streaming when the client leaves.
    observe("deepseek-r1", "us-east", 100);
    NetClient net = vertx.createNetClient();
    StringBuffer received = new StringBuffer();
    NetSocket socket = RawHttp.openStream(net, router.actualPort(), "/v1/chat/completions",
            chat("deepseek-r1", true).put("max_tokens", 8_000).encode(), Map.of("authorization", "Bearer " + TWO), received)
        .await(10, TimeUnit.SECONDS);
    assertThat(received.toString()).startsWith("HTTP/1.1 200");
    assertThat(received.toString()).doesNotContain("[DONE]");
    assertThat(inFlight("two")).isEqualTo(1);
    await(socket.close());
    awaitCondition(Duration.ofSeconds(5), () -> inFlight("two") == 0);
    awaitCondition(Duration.ofSeconds(5),
        () -> lastExchange.get() != null && "client_gone".equals(lastExchange.get().outcome()));
  }

  @Test
  void aClientThatHangsUpBeforeTheFirstTokenGivesItsSlotBack() throws Exception {
    observe("glm-5", "us-east", 100);
    fault("glm-5", "us-east", new JsonObject().put("addedLatencyMs", 100_000));
    NetClient net = vertx.createNetClient();
    byte[] body = chat("glm-5", true).encode().getBytes(StandardCharsets.UTF_8);
    NetSocket socket = onContext(() -> net.connect(router.actualPort(), "127.0.0.1").compose(s -> {
      s.write("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
          + "authorization: Bearer " + TWO + "\r\ncontent-length: " + body.length + "\r\n\r\n");
      return s.write(Buffer.buffer(body)).map(s);
    }));
    awaitCondition(Duration.ofSeconds(5), () -> inFlight("two") == 1);
    await(socket.close());
    awaitCondition(Duration.ofSeconds(5), () -> inFlight("two") == 0);
    awaitCondition(Duration.ofSeconds(5),
        () -> lastExchange.get() != null && "client_gone".equals(lastExchange.get().outcome()));
  }

  @Test
  void refusalsAfterTheSlotWasTakenGiveItBack() throws Exception {
    observe("qwen3-8b", "us-east", 100);
    // Over requests per minute (checked after the slot is taken): the slot must not leak.
    Reply limited = null;
    for (int i = 0; i < 3 && (limited == null || limited.status() != 429); i++) {
      limited = chatAs(TINY, chat("qwen3-8b", false)); // a new minute can let one more through
    }
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().getJsonObject("error").getString("code")).isEqualTo("rate_limit_exceeded");
    assertThat(inFlight("tiny")).isZero();

    // A draining router: 503, and no slot left behind either.
    gate.close();
    Reply draining = chatAs(TWO, chat("qwen3-8b", false));
    assertThat(draining.status()).isEqualTo(503);
    assertThat(inFlight("two")).isZero();
    assertThat(gate.inFlight()).isZero();
  }
}
