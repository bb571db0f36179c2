package dev.meridian.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StreamStatsTest {
  private static final long MS = 1_000_000;

  private final StreamStats stats = new StreamStats();

  private static String delta(String field, String text) {
    return "{\"choices\":[{\"index\":0,\"delta\":{\"" + field + "\":\"" + text + "\"}}]}";
  }

  @Test
  void roleOnlyAndEmptyDeltasAreNotTokens() {
    stats.accept("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}", 5 * MS);
    stats.accept("{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}", 6 * MS);

    assertThat(stats.sawToken()).isFalse();
    assertThat(stats.tokensPerSecond()).isNaN();
  }

  @Test
  void firstContentTokenAndRateFromUsage() {
    stats.accept(delta("content", "Hello"), 100 * MS);
    stats.accept(delta("content", " wor"), 150 * MS);
    stats.accept(delta("content", "ld"), 200 * MS);
    stats.accept("{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}", 201 * MS);
    stats.accept("[DONE]", 202 * MS);

    assertThat(stats.firstTokenNanos()).isEqualTo(100 * MS);
    assertThat(stats.tokenChunks()).isEqualTo(3);
    assertThat(stats.promptTokens()).isEqualTo(12);
    assertThat(stats.completionTokens()).isEqualTo(5);
    // (5 - 1) tokens over the 100 ms from first to last token.
    assertThat(stats.tokensPerSecond()).isCloseTo(40.0, within(1e-9));
    assertThat(stats.sawDone()).isTrue();
  }

  @Test
  void reasoningDeltaIsAFirstToken() {
    stats.accept(delta("reasoning_content", "Let me think"), 30 * MS);

    assertThat(stats.sawToken()).isTrue();
    assertThat(stats.firstTokenNanos()).isEqualTo(30 * MS);
  }

  @Test
  void withoutUsageTheTokenChunksAreCounted() {
    stats.accept(delta("content", "a"), 0);
    stats.accept(delta("content", "b"), 500 * MS);

    assertThat(stats.completionTokens()).isEqualTo(2);
    assertThat(stats.promptTokens()).isZero();
    assertThat(stats.tokensPerSecond()).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void malformedPayloadIsRefusedAndErrorTypeKeptWithoutMessage() {
    assertThat(stats.accept("{not json", 0)).isFalse();
    assertThat(
            stats.accept(
                "{\"error\":{\"type\":\"overloaded\",\"message\":\"key sk-abc...xyz rejected\"}}", 0))
        .isTrue();

    assertThat(stats.upstreamError()).isEqualTo("upstream error in stream: overloaded");
  }
}
