package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With no retry budget at all, a failed first attempt is final: no storm against the fallbacks. */
class RetryBudgetTest extends RouterTestBase {

  @Override
  ResilienceOptions resilienceOptions() {
    return new ResilienceOptions().setRetryBudgetRatio(0).setRetryBudgetMinPerWindow(0);
  }

  @Test
  void exhaustedBudgetFailsWithoutTryingTheFallback() throws Exception {
    observe("qwen3-32b", "us-east", 100);
    observe("qwen3-32b", "eu-west", 200);
    fault("qwen3-32b", "us-east", new JsonObject().put("errorRate", 1.0));

    Reply reply = post("/v1/chat/completions", chat("qwen3-32b", false).encode());

    assertThat(reply.status()).isEqualTo(502);
    assertThat(reply.header(MeridianHeaders.ATTEMPTS)).isEqualTo("1");
    assertThat(reply.json().getJsonObject("error").getString("message")).contains("retry budget exhausted");
    awaitCondition(Duration.ofSeconds(5), () -> lastExchange.get() != null);
    assertThat(lastExchange.get().retriesDenied()).isEqualTo(1);
  }
}
