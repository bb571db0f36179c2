package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shutdown drains: readiness fails, new requests are refused, a running stream ends normally. */
class GracefulDrainTest {
  @TempDir Path dir;
  MeridianNode node;
  Vertx clientVertx;

  @AfterEach
  void stop() throws Exception {
    clientVertx.close().await(10, TimeUnit.SECONDS);
    node.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void drainingRefusesNewRequestsAndLetsRunningStreamsFinish() throws Exception {
    Path catalog = NodeTestSupport.catalogOf(dir, Set.of("qwen3.5-397b", "qwen3-8b"));
    node = NodeTestSupport.start(List.of("embedded", "--standalone", "--port", "0", "--simulator-port", "0",
        "--catalog", catalog.toString(), "--latency-scale", "0.1", "--router-instances", "1"), Map.of());
    awaitCondition(Duration.ofSeconds(30), node::isReady);
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();

    // qwen3.5-397b at 10 tokens/s: 150 tokens take 1.5 s at this scale.
    JsonObject body = new JsonObject().put("model", "qwen3.5-397b").put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    HttpClientResponse stream = client
        .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(node.routerPort())
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", NodeTestSupport.DEMO_AUTH))
        .compose(request -> request.send(body.toBuffer()).map(r -> (HttpClientResponse) r.pause()))
        .await(20, TimeUnit.SECONDS);
    Buffer received = Buffer.buffer();
    Promise<Void> ended = Promise.promise();
    stream.handler(received::appendBuffer).endHandler(v -> ended.complete()).exceptionHandler(ended::tryFail);
    stream.resume();
    awaitCondition(Duration.ofSeconds(10), () -> node.inFlight() == 1 && received.length() > 0);

    node.startDraining();

    Buffer readyz = NodeTestSupport.admin(client, node.routerPort(), HttpMethod.GET, "/readyz", null)
        .await(10, TimeUnit.SECONDS);
    assertThat(readyz.toJsonObject().getString("status")).isEqualTo("draining");
    NodeTestSupport.Reply refused = NodeTestSupport.chat(client, node.routerPort(), "qwen3-8b");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("retry-after")).isEqualTo("1");
    assertThat(refused.body().toString()).contains("shutting_down");

    ended.future().await(20, TimeUnit.SECONDS);
    assertThat(received.toString()).endsWith("data: [DONE]\n\n");
    awaitCondition(Duration.ofSeconds(5), () -> node.inFlight() == 0);
  }
}
