package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.simulator.SimulatorOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider key from the environment is sent upstream and never comes back to the client. */
class ProviderKeyTest extends RouterTestBase {
  static final String SECRET = "sk-planted-secret-0123456789";

  @Override
  SimulatorOptions simulatorOptions() {
    return super.simulatorOptions().setRequiredApiKey(SECRET);
  }

  @Override
  ApiKeys apiKeys() {
    // Only DeepSeek's variable is set: its endpoints accept the request, Qwen's answer 401.
    return ApiKeys.of(Map.of("DEEPSEEK_API_KEY", SECRET));
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
