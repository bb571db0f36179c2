package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.OpenAiError;
import org.junit.jupiter.api.Test;

/** Which answers tell the SDKs not to retry: Meridian's own 5xx after its failover, nothing else. */
class ErrorResponderTest {
  @Test
  void fiveHundredsAfterFailoverSayDoNotRetry() {
    assertThat(ErrorResponder.shouldRetry(OpenAiError.upstreamFailed("glm-5", 3, "HTTP 500"))).isEqualTo("false");
    assertThat(ErrorResponder.shouldRetry(OpenAiError.noHealthyEndpoint("glm-5"))).isEqualTo("false");
    assertThat(ErrorResponder.shouldRetry(OpenAiError.upstreamTimeout("glm-5", 20_000))).isEqualTo("false");
    assertThat(ErrorResponder.shouldRetry(OpenAiError.internal())).isEqualTo("false");
  }

  @Test
  void aDrainRefusalSaysRetryAndClientErrorsAndRateLimitsSayNothing() {
    OpenAiError draining = new OpenAiError(503, OpenAiError.SERVER_ERROR, ErrorResponder.SHUTTING_DOWN, "draining", null);
    assertThat(ErrorResponder.shouldRetry(draining)).isEqualTo("true");
    assertThat(ErrorResponder.shouldRetry(OpenAiError.allRateLimited("glm-5", 7))).isNull();
    assertThat(ErrorResponder.shouldRetry(OpenAiError.concurrencyLimited("team", 2))).isNull();
    assertThat(ErrorResponder.shouldRetry(OpenAiError.modelNotFound("gpt-9"))).isNull();
    assertThat(ErrorResponder.shouldRetry(OpenAiError.invalidJson("eof"))).isNull();
  }
}
