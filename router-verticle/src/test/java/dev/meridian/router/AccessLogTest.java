package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The access log through the router: a request that failed over once leaves one line with its key,
 * both endpoints, the failure's kind, tokens and cost, and no prompt or key text; successes are sampled.
 */
class AccessLogTest extends RouterTestBase {
  static final String PROMPT = "Explain recursion in 200 words";
  final List<String> lines = new ArrayList<>();
  double draw = 0.5;

  @Override
  AccessControl access() {
    return AccessControl.withKeys(dev.meridian.core.tenancy.ClientKeys.parse("{\"keys\":[{\"name\":\"team-a\",\"sha256\":\""
        + dev.meridian.core.tenancy.KeyHash.sha256Hex("sk-mer-test-access-log-000000001") + "\"}]}", "test"));
  }

  AccessLog log(double rate) {
    return new AccessLog(REGION, rate, () -> draw, () -> 1_796_000_000_000L, lines::add);
  }

  Reply ask() throws Exception {
    return send(io.vertx.core.http.HttpMethod.POST, "/v1/chat/completions", chat("deepseek-v4-flash", false).toBuffer(),
        Map.of("authorization", "Bearer sk-mer-test-access-log-000000001"));
  }

  @Test
  void aRequestThatFailedOverOnceIsOneLineWithBothEndpointsAndNoPromptOrKey() throws Exception {
    observe("deepseek-v4-flash", "us-east", 50);
    observe("deepseek-v4-flash", "eu-west", 150);
    fault("deepseek-v4-flash", "us-east", new JsonObject().put("errorRate", 1.0).put("errorStatus", 503));
    Reply reply = ask();
    assertThat(reply.status()).isEqualTo(200);
    ExchangeRecord record = awaitExchange(r -> "ok".equals(r.outcome()));
    AccessLog log = log(1.0);
    log.onExchange(record);
    assertThat(lines).hasSize(1);
    JsonObject line = new JsonObject(lines.get(0));
    assertThat(line.getString("request_id")).isEqualTo(reply.header("x-request-id"));
    assertThat(line.getString("key")).isEqualTo("team-a");
    assertThat(line.getString("model_requested")).isEqualTo("deepseek-v4-flash");
    assertThat(line.getString("endpoint_region")).isEqualTo("eu-west");
    assertThat(line.getInteger("attempts")).isEqualTo(2);
    assertThat(line.getJsonArray("failures").getJsonObject(0).getString("endpoint")).isEqualTo("deepseek-v4-flash@us-east");
    assertThat(line.getJsonArray("failures").getJsonObject(0).getString("kind")).isNotBlank();
    assertThat(line.getBoolean("fallback")).isTrue();
    assertThat(line.getInteger("status")).isEqualTo(200);
    assertThat(line.getJsonObject("tokens").getLong("completion")).isPositive();
    assertThat(line.getDouble("cost_usd")).isPositive();
    assertThat(line.getDouble("duration_ms")).isPositive();
    assertThat(line.getString("route_reason")).isEqualTo(reply.header("x-meridian-route-reason"));
    assertThat(lines.get(0)).doesNotContain(PROMPT).doesNotContain("sk-mer-test");
  }

  @Test
  void successesAreSampledFailuresAlwaysLogged() throws Exception {
    observe("deepseek-v4-flash", "us-east", 50);
    ask();
    ExchangeRecord ok = awaitExchange(r -> "ok".equals(r.outcome()));
    ExchangeRecord failed = new ExchangeRecord(ok.api(), "nope", null, 0, 404, false, "client_error", false, "none", 0,
        List.of(), dev.meridian.core.openai.Usage.NONE, 0, -1, -1, 1, null, "team-a", null, null, null);
    AccessLog tenPercent = log(0.1);
    draw = 0.5;
    tenPercent.onExchange(ok);
    assertThat(lines).isEmpty();
    draw = 0.05;
    tenPercent.onExchange(ok);
    assertThat(lines).hasSize(1);
    draw = 0.99;
    tenPercent.onExchange(failed);
    assertThat(lines).hasSize(2);
    assertThat(new JsonObject(lines.get(1)).getString("outcome")).isEqualTo("client_error");
    assertThat(new JsonObject(lines.get(1)).getValue("ttft_ms")).isNull();
  }
}
