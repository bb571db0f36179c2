package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client keys at the HTTP surface: 401, 403, the key's output cap, 429s with OpenAI's headers, admin keys. */
class ClientKeysTest extends RouterTestBase {
  static final String FULL = "sk-mer-test-full-access-key-000001";
  static final String LIMITED = "sk-mer-test-limited-key-000000002";
  static final String BROKE = "sk-mer-test-tiny-budget-key-00003";
  static final String ADMIN = "sk-mer-test-admin-key-00000000004";

  @Override
  AccessControl access() {
    String file =
        "{\"keys\":["
            + "{\"name\":\"full\",\"sha256\":\"" + KeyHash.sha256Hex(FULL) + "\"},"
            + "{\"name\":\"limited\",\"sha256\":\"" + KeyHash.sha256Hex(LIMITED) + "\",\"allow\":[\"budget\"],"
            + "\"requestsPerMinute\":2,\"tokensPerMinute\":100000,\"maxTokens\":20},"
            + "{\"name\":\"broke\",\"sha256\":\"" + KeyHash.sha256Hex(BROKE) + "\",\"budget\":{\"dollars\":0.000001}}],"
            + "\"adminKeys\":[{\"name\":\"ops\",\"sha256\":\"" + KeyHash.sha256Hex(ADMIN) + "\"}]}";
    return AccessControl.withKeys(ClientKeys.parse(file, "test"));
  }

  @BeforeEach
  void healthy() {
    for (String model : new String[] {"deepseek-v4-flash", "qwen3-32b", "hunyuan-turbos", "kimi-k2.5"}) {
      observe(model, "us-east", 50);
    }
  }

  Reply chatAs(String key, JsonObject body) throws Exception {
    return send(HttpMethod.POST, "/v1/chat/completions", body.toBuffer(),
        key == null ? Map.of() : Map.of("authorization", "Bearer " + key));
  }

  @Test
  void noKeyOrAnUnknownKeyIs401InOpenAisShapeAndNeverEchoesTheKey() throws Exception {
    Reply missing = chatAs(null, chat("deepseek-v4-flash", false));
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.json().getJsonObject("error").getString("code")).isEqualTo("missing_api_key");
    assertThat(missing.json().getJsonObject("error").getString("type")).isEqualTo("authentication_error");
    assertThat(missing.header("www-authenticate")).startsWith("Bearer");

    String forged = "sk-mer-forged-key-that-nobody-issued-999";
    Reply unknown = chatAs(forged, chat("deepseek-v4-flash", false));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.json().getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
    assertThat(unknown.body().toString()).doesNotContain(forged).doesNotContain("forged");
    assertThat(unknown.headers().values()).noneMatch(v -> v.contains(forged));

    // Models are behind the key too.
    assertThat(send(HttpMethod.GET, "/v1/models", null, Map.of()).status()).isEqualTo(401);
    assertThat(send(HttpMethod.GET, "/v1/models/deepseek-v4-flash", null, Map.of()).status()).isEqualTo(401);
    assertThat(scrape()).contains("meridian_auth_failures_total{reason=\"missing_api_key\"}")
        .contains("meridian_auth_failures_total{reason=\"invalid_api_key\"}");
  }

  @Test
  void aValidKeyIsServedAndChargedToItsName() throws Exception {
    Reply reply = chatAs(FULL, chat("deepseek-v4-flash", false));
    assertThat(reply.status()).isEqualTo(200);
    // No limits configured: no rate-limit headers to report.
    assertThat(reply.header("x-ratelimit-limit-requests")).isNull();
    Reply stream = chatAs(FULL, chat("deepseek-v4-flash", true));
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.body().toString()).contains("[DONE]");
    awaitCondition(java.time.Duration.ofSeconds(5), () -> scrape().contains("meridian_client_requests_total{client=\"full\"} 2.0"));
    assertThat(scrape()).containsPattern("meridian_client_cost_dollars_total\\{client=\"full\"} [0-9.E-]+");
    // The status page shows where each key stands (names only).
    JsonObject status = send(HttpMethod.GET, "/status.json", null, Map.of("authorization", "Bearer " + ADMIN)).json();
    JsonObject full = status.getJsonArray("clients").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("name").equals("full")).findFirst().orElseThrow();
    assertThat(full.getLong("requestsThisMinute")).isPositive();
    assertThat(full.getDouble("spentDollars")).isPositive();
  }

  @Test
  void aModelOutsideTheAllowListIs403AndModelsListsOnlyWhatTheKeyMayUse() throws Exception {
    Reply refused = chatAs(LIMITED, chat("kimi-k2.5", false));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("model_not_allowed");
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("'limited'").contains("kimi-k2.5");

    JsonObject models = send(HttpMethod.GET, "/v1/models", null, Map.of("authorization", "Bearer " + LIMITED)).json();
    assertThat(models.getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")))
        .contains("deepseek-v4-flash", "qwen3-32b", "budget")
        .doesNotContain("kimi-k2.5", "premium", "auto");
    // Retrieving one agrees with the list: what the key may not use is not found.
    Map<String, String> limited = Map.of("authorization", "Bearer " + LIMITED);
    assertThat(send(HttpMethod.GET, "/v1/models/deepseek-v4-flash", null, limited).status()).isEqualTo(200);
    Reply hidden = send(HttpMethod.GET, "/v1/models/kimi-k2.5", null, limited);
    assertThat(hidden.status()).isEqualTo(404);
    assertThat(hidden.json().getJsonObject("error").getString("code")).isEqualTo("model_not_found");
  }

  @Test
  void theKeysOutputCapIsSentUpstreamAndALargerMaxTokensIsRefused() throws Exception {
    Reply capped = chatAs(LIMITED, chat("deepseek-v4-flash", false));
    assertThat(capped.status()).isEqualTo(200);
    // The simulator writes 150 tokens when asked for nothing; the key's cap of 20 reached it.
    assertThat(capped.json().getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(20);

    Reply tooMany = chatAs(LIMITED, chat("deepseek-v4-flash", false).put("max_tokens", 500));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().getJsonObject("error").getString("param")).isEqualTo("max_tokens");
  }

  @Test
  void overTheRequestLimitIs429WithRetryAfterAndRateLimitHeaders() throws Exception {
    Reply first = chatAs(LIMITED, chat("deepseek-v4-flash", false));
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("x-ratelimit-limit-requests")).isEqualTo("2");
    assertThat(first.header("x-ratelimit-remaining-requests")).isEqualTo("1");
    assertThat(first.header("x-ratelimit-limit-tokens")).isEqualTo("100000");
    assertThat(first.header("x-ratelimit-reset-requests")).matches("([0-9]+m)?[0-9]+s");
    Reply second = chatAs(LIMITED, chat("deepseek-v4-flash", true));
    Reply third = chatAs(LIMITED, chat("deepseek-v4-flash", false));
    if (second.status() == 200 && third.status() == 200) {
      // The minute turned between the requests: the window is new, try the burst again.
      second = chatAs(LIMITED, chat("deepseek-v4-flash", false));
      third = chatAs(LIMITED, chat("deepseek-v4-flash", false));
    }
    assertThat(third.status()).isEqualTo(429);
    JsonObject error = third.json().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("rate_limit_error");
    assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
    assertThat(error.getString("message")).contains("2 requests per minute");
    long retryAfter = Long.parseLong(third.header("retry-after"));
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(third.header("x-ratelimit-remaining-requests")).isEqualTo("0");
    assertThat(scrape()).contains("meridian_client_limited_total{client=\"limited\",limit=\"requests\"}");
    // The client's own limit: not a provider problem, so not an outcome the availability SLO counts.
    ExchangeRecord refusal = awaitExchange(record -> record.status() == 429);
    assertThat(refusal.outcome()).as("the client's own limit").isEqualTo("client_error");
  }

  @Test
  void aSpentBudgetIs429WithAClearMessage() throws Exception {
    assertThat(chatAs(BROKE, chat("deepseek-v4-flash", true)).status()).isEqualTo(200);
    // The stream's cost is charged when it ends; the next request finds the budget gone.
    Reply[] refused = new Reply[1];
    awaitCondition(java.time.Duration.ofSeconds(5), () -> {
      try {
        refused[0] = chatAs(BROKE, chat("deepseek-v4-flash", false));
        return refused[0].status() == 429;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    JsonObject error = refused[0].json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("insufficient_quota");
    assertThat(error.getString("message")).contains("'broke'").contains("budget").contains("00:00 UTC");
    assertThat(Long.parseLong(refused[0].header("retry-after"))).isBetween(1L, 86_400L);
  }

  @Test
  void metricsAndStatusNeedAnAdminKeyWhenOneIsConfigured() throws Exception {
    assertThat(send(HttpMethod.GET, "/metrics", null, Map.of()).status()).isEqualTo(401);
    Reply basicChallenge = send(HttpMethod.GET, "/status.json", null, Map.of());
    assertThat(basicChallenge.status()).isEqualTo(401);
    assertThat(basicChallenge.header("www-authenticate")).startsWith("Basic");
    // A client key is not an admin key.
    assertThat(send(HttpMethod.GET, "/metrics", null, Map.of("authorization", "Bearer " + FULL)).status()).isEqualTo(401);
    assertThat(send(HttpMethod.GET, "/metrics", null, Map.of("authorization", "Bearer " + ADMIN)).status()).isEqualTo(200);
    String basic = java.util.Base64.getEncoder().encodeToString(("ops:" + ADMIN).getBytes());
    assertThat(send(HttpMethod.GET, "/status.json", null, Map.of("authorization", "Basic " + basic)).status()).isEqualTo(200);
    // Probes stay open for the kubelet.
    assertThat(send(HttpMethod.GET, "/healthz", null, Map.of()).status()).isEqualTo(200);
    assertThat(send(HttpMethod.GET, "/readyz", null, Map.of()).status()).isEqualTo(200);
  }

  @Test
  void presentedKeysAndTheirHashesNeverReachLogsMetricsStatusOrReplies() throws Exception {
    ch.qos.logback.classic.LoggerContext context =
        (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger meridian = context.getLogger("dev.meridian");
    ch.qos.logback.classic.Logger vertxLogger = context.getLogger("io.vertx");
    ch.qos.logback.classic.Level[] saved = {meridian.getLevel(), vertxLogger.getLevel()};
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.setContext(context);
    logs.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    meridian.setLevel(ch.qos.logback.classic.Level.DEBUG);
    vertxLogger.setLevel(ch.qos.logback.classic.Level.DEBUG);
    String forged = "sk-mer-forged-" + java.util.UUID.randomUUID();
    StringBuilder seen = new StringBuilder();
    try {
      java.util.function.Consumer<Reply> keep = reply -> seen.append(reply.status()).append(reply.headers()).append(reply.body());
      keep.accept(chatAs(FULL, chat("deepseek-v4-flash", false)));
      keep.accept(chatAs(FULL, chat("deepseek-v4-flash", true)));
      keep.accept(chatAs(LIMITED, chat("kimi-k2.5", false)));                      // 403
      keep.accept(chatAs(LIMITED, chat("deepseek-v4-flash", false).put("max_tokens", 9999))); // 400
      for (int i = 0; i < 3; i++) {
        keep.accept(chatAs(LIMITED, chat("deepseek-v4-flash", false)));            // ... 429
      }
      keep.accept(chatAs(BROKE, chat("deepseek-v4-flash", false)));
      keep.accept(chatAs(forged, chat("deepseek-v4-flash", false)));              // 401
      keep.accept(send(HttpMethod.POST, "/v1/chat/completions", Buffer.buffer("{not json"),
          Map.of("authorization", "Bearer " + FULL)));                            // 400
      for (String header : new String[] {"Basic " + FULL, "bearer " + forged, "Bearer", "Bearer  ", FULL, "Bearer " + "x".repeat(4000)}) {
        Reply reply = send(HttpMethod.GET, "/v1/models", null, Map.of("authorization", header));
        keep.accept(reply);
        assertThat(reply.status()).as(header.length() > 40 ? header.substring(0, 40) : header).isEqualTo(401);
        assertThat(reply.json().getJsonObject("error").getString("type")).isEqualTo("authentication_error");
      }
      keep.accept(send(HttpMethod.GET, "/v1/models", null, Map.of("authorization", "Bearer " + LIMITED)));
      keep.accept(send(HttpMethod.GET, "/metrics", null, Map.of("authorization", "Bearer " + ADMIN)));
      keep.accept(send(HttpMethod.GET, "/status.json", null, Map.of("authorization", "Bearer " + ADMIN)));
      seen.append(scrape()).append(lastExchange.get());
    } finally {
      root.detachAppender(logs);
      meridian.setLevel(saved[0]);
      vertxLogger.setLevel(saved[1]);
    }
    StringBuilder logged = new StringBuilder();
    for (ch.qos.logback.classic.spi.ILoggingEvent event : logs.list) {
      logged.append(event.getFormattedMessage()).append(' ').append(event.getMDCPropertyMap());
      if (event.getThrowableProxy() != null) {
        logged.append(ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
    }
    for (String secret : new String[] {FULL, LIMITED, BROKE, ADMIN, forged}) {
      for (String needle : new String[] {secret, secret.substring(secret.length() - 12), KeyHash.sha256Hex(secret)}) {
        assertThat(seen.toString()).as("replies and metrics").doesNotContain(needle);
        assertThat(logged.toString()).as("logs").doesNotContain(needle);
      }
    }
  }

  String scrape() {
    return registry.scrape();
  }

  static Buffer none() {
    return null;
  }
}
