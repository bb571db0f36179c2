package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.simulator.SimulatorOptions;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The provider key from the environment is sent upstream and never comes back to the client. */
class ProviderKeyTest extends RouterTestBase {
  static final String SECRET = "sk-planted-secret-0123456789";
  /** What DEEPSEEK_API_KEY holds now; a test may change it between requests. */
  private final AtomicReference<String> deepseekKey = new AtomicReference<>(SECRET);

  @Override
  SimulatorOptions simulatorOptions() {
    return super.simulatorOptions().setRequiredApiKey(SECRET);
  }

  @Override
  ApiKeys apiKeys() {
    // Only DeepSeek's variable is set: its endpoints accept the request, Qwen's answer 401.
    return new ApiKeys(name -> name.equals("DEEPSEEK_API_KEY") ? deepseekKey.get() : null);
  }

  @Test
  void aChangedKeyIsTheOneSentNext() throws Exception {
    // The upstream request's options are built once per endpoint; a new key must not wait for a restart.
    observe("deepseek-v4-flash", "us-east", 100);
    assertThat(post("/v1/chat/completions", chat("deepseek-v4-flash", false).encode()).status()).isEqualTo(200);

    deepseekKey.set("sk-rotated-away-9876543210");
    Reply withOldKeyGone = post("/v1/chat/completions", chat("deepseek-v4-flash", false).encode());
    assertThat(withOldKeyGone.status()).isEqualTo(502);
    assertThat(withOldKeyGone.json().getJsonObject("error").getString("message")).contains("HTTP 401");

    deepseekKey.set(SECRET);
    assertThat(post("/v1/chat/completions", chat("deepseek-v4-flash", false).encode()).status()).isEqualTo(200);
  }

  @Test
  void keyFromTheEnvironmentIsForwarded() throws Exception {
    observe("deepseek-v4-flash", "us-east", 100);
    Reply reply = post("/v1/chat/completions", chat("deepseek-v4-flash", false).encode());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().toString()).doesNotContain(SECRET);
    assertThat(reply.headers().toString()).doesNotContain(SECRET);
  }

  @Test
  void providerRejectingOurKeyIsAnUpstreamFailureNotTheClientsAndLeaksNothing() throws Exception {
    observe("qwen3-32b", "us-east", 100);
    Reply reply = post("/v1/chat/completions", chat("qwen3-32b", true).encode());
    assertThat(reply.status()).isEqualTo(502);
    assertThat(reply.json().getJsonObject("error").getString("code")).isEqualTo("upstream_error");
    assertThat(reply.body().toString()).doesNotContain(SECRET);
    assertThat(reply.headers().toString()).doesNotContain(SECRET);
  }
}
