package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat route's own request reading, which the HTTP server calls without Vert.x Web: the body-read
 * deadline, the size limit without a Content-Length, 100-continue, other spellings of the path, and
 * refusals reaching the exchange listener (what the SLO counts).
 */
class SurfaceRouteTest extends RouterTestBase {
  static final long BODY_TIMEOUT_MS = 3_000;
  NetClient net;

  @Override
  RouterOptions routerOptions() {
    return super.routerOptions().setBodyReadTimeoutMs(BODY_TIMEOUT_MS);
  }

  @BeforeEach
  void healthyQwen() {
    net = vertx.createNetClient();
    observe("qwen3-8b", "us-east", 150);
  }

  @Test
  void aBodyDrippedPastTheDeadlineIsCutOffAndReported() throws Exception {
    NetSocket socket = await(net.connect(router.actualPort(), "127.0.0.1"));
    Promise<Void> closed = Promise.promise();
    socket.closeHandler(v -> closed.tryComplete());
    socket.handler(data -> {});
    long start = System.nanoTime();
    await(socket.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        + "content-length: 1000\r\n\r\n{"));
    long drip = vertx.setPeriodic(100, id -> socket.write(" "));
    try {
      closed.future().await(BODY_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
    } finally {
      vertx.cancelTimer(drip);
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // Swept at a tenth of the timeout: cut off no earlier than the deadline, and not much later (slack
    // for a loaded 2-core machine).
    assertThat(ms).isBetween(BODY_TIMEOUT_MS - 50, BODY_TIMEOUT_MS + 5_000);
    assertThat(awaitExchange(r -> "client_gone".equals(r.outcome())).status()).isEqualTo(499);
    assertThat(post("/v1/chat/completions", chat("qwen3-8b", false).encode()).status()).isEqualTo(200);
    awaitExchange(r -> r.status() == 200);
    assertThat(exchanges).extracting(ExchangeRecord::status).containsExactly(499, 200);
  }

  @Test
  void overHttp2ASlowBodyResetsItsStreamAndLeavesTheConnectionServing() throws Exception {
    io.vertx.core.http.HttpClient h2 = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    RequestOptions post = new RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
        .setHost("127.0.0.1").setPort(router.actualPort()).setURI("/v1/chat/completions")
        .putHeader("content-type", "application/json");
    Promise<Throwable> reset = Promise.promise();
    io.vertx.core.http.HttpClientRequest slow = onContext(() -> h2.request(post));
    slow.exceptionHandler(reset::tryComplete);
    slow.response().onFailure(reset::tryComplete);
    vertx.runOnContext(v -> slow.setChunked(true).write("{\"model\":"));
    Throwable error = reset.future().await(BODY_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
    assertThat(error).isInstanceOf(io.vertx.core.http.StreamResetException.class);
    // The same HTTP/2 connection carries the next request: only the stream was cut.
    io.vertx.core.http.HttpConnection[] next = new io.vertx.core.http.HttpConnection[1];
    Buffer answer = onContext(() -> h2.request(post)
        .compose(request -> {
          next[0] = request.connection();
          return request.send(chat("qwen3-8b", false).toBuffer());
        })
        .compose(response -> response.body()));
    assertThat(answer.toJsonObject().getJsonArray("choices")).isNotEmpty();
    assertThat(next[0]).isSameAs(slow.connection());
    assertThat(awaitExchange(r -> "client_gone".equals(r.outcome())).status()).isEqualTo(499);
  }

  @Test
  void aBodyThatArrivesInPiecesWithinTheDeadlineIsServed() throws Exception {
    byte[] body = chat("qwen3-8b", false).encode().getBytes(StandardCharsets.UTF_8);
    NetSocket socket = await(net.connect(router.actualPort(), "127.0.0.1"));
    StringBuffer received = new StringBuffer();
    socket.handler(data -> received.append(data.toString(StandardCharsets.UTF_8)));
    await(socket.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        + "connection: close\r\ncontent-length: " + body.length + "\r\n\r\n"));
    int third = body.length / 3;
    for (int piece = 0; piece < 3; piece++) {
      int from = piece * third;
      int to = piece == 2 ? body.length : from + third;
      await(socket.write(Buffer.buffer(java.util.Arrays.copyOfRange(body, from, to))));
      // Spread over about a third of the deadline, and this deadline keeps running.
      TimeUnit.MILLISECONDS.sleep(BODY_TIMEOUT_MS / 6);
    }
    awaitCondition(java.time.Duration.ofSeconds(10), () -> received.indexOf("\"choices\"") >= 0);
    assertThat(received.toString()).startsWith("HTTP/1.1 200");
  }

  @Test
  void aChunkedBodyOverTheLimitIs413WithoutAContentLength() throws Exception {
    NetSocket socket = await(net.connect(router.actualPort(), "127.0.0.1"));
    StringBuffer received = new StringBuffer();
    socket.handler(data -> received.append(data.toString(StandardCharsets.UTF_8)));
    socket.exceptionHandler(error -> {});
    await(socket.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        + "transfer-encoding: chunked\r\n\r\n"));
    String chunk = "x".repeat(16 * 1024);
    for (int i = 0; i < 5; i++) {
      // 80 KiB in all against the tests' 64 KiB limit.
      socket.write(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
    }
    awaitCondition(java.time.Duration.ofSeconds(10), () -> received.indexOf("request_too_large") >= 0);
    assertThat(received.toString()).startsWith("HTTP/1.1 413");
    assertThat(awaitExchange(r -> r.status() == 413).outcome()).isEqualTo("client_error");
    await(socket.close());
    // The hang-up after the 413 adds no second report: the next exchange reported is the next request.
    assertThat(post("/v1/chat/completions", chat("qwen3-8b", false).encode()).status()).isEqualTo(200);
    awaitExchange(r -> r.status() == 200);
    assertThat(exchanges).extracting(ExchangeRecord::status).containsExactly(413, 200);
  }

  @Test
  void aClientHangingUpMidBodyIsReportedOnceAsGone() throws Exception {
    NetSocket socket = await(net.connect(router.actualPort(), "127.0.0.1"));
    await(socket.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        + "content-length: 1000\r\n\r\n{\"model\":\"qwen3-8b\","));
    await(socket.close());
    assertThat(awaitExchange(r -> "client_gone".equals(r.outcome())).status()).isEqualTo(499);
    assertThat(post("/v1/chat/completions", chat("qwen3-8b", false).encode()).status()).isEqualTo(200);
    awaitExchange(r -> r.status() == 200);
    assertThat(exchanges).extracting(ExchangeRecord::status).containsExactly(499, 200);
  }

  @Test
  void expectContinueGetsA100ThenTheAnswer() throws Exception {
    byte[] body = chat("qwen3-8b", false).encode().getBytes(StandardCharsets.UTF_8);
    NetSocket socket = await(net.connect(router.actualPort(), "127.0.0.1"));
    StringBuffer received = new StringBuffer();
    socket.handler(data -> received.append(data.toString(StandardCharsets.UTF_8)));
    await(socket.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        + "expect: 100-continue\r\ncontent-length: " + body.length + "\r\n\r\n"));
    awaitCondition(java.time.Duration.ofSeconds(5), () -> received.indexOf("100 Continue") >= 0);
    assertThat(received.toString()).startsWith("HTTP/1.1 100 Continue");
    await(socket.write(Buffer.buffer(body)));
    awaitCondition(java.time.Duration.ofSeconds(10), () -> received.indexOf("\"choices\"") >= 0);
    assertThat(received.toString()).contains("HTTP/1.1 200");
  }

  @Test
  void otherSpellingsOfThePathReachTheSameRoute() throws Exception {
    for (String path : new String[] {"/v1/chat/completions/", "/v1//chat/completions", "/v1/./chat/completions"}) {
      Reply reply = post(path, chat("qwen3-8b", false).encode());
      assertThat(reply.status()).as(path).isEqualTo(200);
      assertThat(reply.json().getJsonArray("choices")).as(path).isNotEmpty();
    }
    Reply bad = post("/v1//chat/completions", "{\"model\":");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getJsonObject("error").getString("code")).isEqualTo("invalid_json");
  }

  @Test
  void refusalsBeforeAnyUpstreamReachTheListenerWithTheirModel() throws Exception {
    for (String region : new String[] {"us-east", "eu-west", "ap-southeast"}) {
      observeDown("minimax-m2.5", region);
    }
    assertThat(post("/v1/chat/completions", chat("minimax-m2.5", false).encode()).status()).isEqualTo(503);
    ExchangeRecord noRoute = awaitExchange(r -> r.status() == 503);
    assertThat(noRoute.outcome()).isEqualTo("no_route");
    assertThat(noRoute.requestedModel()).isEqualTo("minimax-m2.5");
    assertThat(exchanges).hasSize(1);

    Reply form = send(io.vertx.core.http.HttpMethod.POST, "/v1/chat/completions", Buffer.buffer("model=x"),
        Map.of("content-type", "application/x-www-form-urlencoded"));
    assertThat(form.status()).isEqualTo(415);
    assertThat(awaitExchange(r -> r.status() == 415).outcome()).isEqualTo("client_error");
  }
}
