package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * After its own failover Meridian tells the SDKs not to retry a 5xx (x-should-retry: false), so three
 * router attempts do not become nine; 429s keep their Retry-After, and a drain refusal invites the retry.
 */
class RetryAdviceTest extends RouterTestBase {
  private RequestGate gate;

  @Override
  RequestGate gate() {
    gate = new RequestGate();
    return gate;
  }

  private String errorCode(Reply reply) {
    return reply.json().getJsonObject("error").getString("code");
  }

  @Test
  void everyCandidateFailingIs502WithDoNotRetry() throws Exception {
    for (String region : List.of("us-east", "eu-west", "ap-southeast")) {
      observe("glm-5", region, 100);
      fault("glm-5", region, new JsonObject().put("errorRate", 1.0).put("errorStatus", 500));
    }
    Reply reply = post("/v1/chat/completions", chat("glm-5", false).encode());
    assertThat(reply.status()).isEqualTo(502);
    assertThat(errorCode(reply)).isEqualTo("upstream_error");
    assertThat(reply.header("x-should-retry")).isEqualTo("false");
  }

  @Test
  void theRequestDeadlineIs504WithDoNotRetry() throws Exception {
    observe("hunyuan-turbo", "us-east", 100);
    fault("hunyuan-turbo", "us-east", new JsonObject().put("stallAfterChunks", 0));
    Reply reply = send(HttpMethod.POST, "/v1/chat/completions", chat("hunyuan-turbo", false).toBuffer(),
        Map.of("x-meridian-timeout-ms", "300"));
    assertThat(reply.status()).isEqualTo(504);
    assertThat(errorCode(reply)).isEqualTo("upstream_timeout");
    assertThat(reply.header("x-should-retry")).isEqualTo("false");
  }

  @Test
  void noHealthyEndpointIs503WithDoNotRetry() throws Exception {
    for (String region : List.of("us-east", "eu-west", "ap-southeast")) {
      observeDown("minimax-m2.5", region);
    }
    Reply reply = post("/v1/chat/completions", chat("minimax-m2.5", false).encode());
    assertThat(reply.status()).isEqualTo(503);
    assertThat(errorCode(reply)).isEqualTo("no_healthy_endpoint");
    assertThat(reply.header("x-should-retry")).isEqualTo("false");
  }

  @Test
  void rateLimitedEverywhereKeepsRetryAfterAndGivesNoRetryAdvice() throws Exception {
    for (String region : List.of("us-east", "eu-west", "ap-southeast")) {
      observe("glm-4-32b", region, 300);
      fault("glm-4-32b", region, new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 7));
    }
    Reply reply = post("/v1/chat/completions", chat("glm-4-32b", false).encode());
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.header("retry-after")).isEqualTo("7");
    assertThat(reply.header("x-should-retry")).isNull();
  }

  @Test
  void aDrainRefusalInvitesTheRetryThatReachesAnotherPod() throws Exception {
    observe("qwen3-8b", "us-east", 100);
    gate.close();
    Reply reply = post("/v1/chat/completions", chat("qwen3-8b", false).encode());
    assertThat(reply.status()).isEqualTo(503);
    assertThat(errorCode(reply)).isEqualTo("shutting_down");
    assertThat(reply.header("retry-after")).isEqualTo("1");
    assertThat(reply.header("x-should-retry")).isEqualTo("true");
  }
}
