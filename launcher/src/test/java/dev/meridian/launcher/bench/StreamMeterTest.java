package dev.meridian.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StreamMeterTest {
  private static final long MS = 1_000_000L;
  private static final long START = 5_000 * MS;

  private static String chunk(String delta) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta
        + ",\"finish_reason\":null}]}";
  }

  @Test
  void ttftIsTheFirstNonEmptyContentAndTokensPerSecondUsesUsageAfterIt() {
    StreamMeter meter = new StreamMeter(START);
    meter.onData(chunk("{\"role\":\"assistant\"}"), START + 20 * MS); // role only: not a token
    meter.onData(chunk("{\"content\":\"\"}"), START + 30 * MS); // empty: not a token
    meter.onData(chunk("{\"content\":\"Re\"}"), START + 180 * MS);
    meter.onData(chunk("{\"content\":\"cursion\"}"), START + 200 * MS);
    meter.onData(chunk("{\"content\":\" is\"}"), START + 380 * MS);
    meter.onData("{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":10}}", START + 381 * MS);
    meter.onData("[DONE]", START + 381 * MS);
    StreamMeter.Measurement m = meter.finish(START + 390 * MS);

    assertThat(m.ttftMs()).isCloseTo(180.0, within(1e-9));
    assertThat(m.tokens()).isEqualTo(10);
    assertThat(m.tokensFromUsage()).isTrue();
    assertThat(m.deltas()).isEqualTo(3);
    // 9 tokens after the first, between 180 ms and 380 ms.
    assertThat(m.tokensPerSecond()).isCloseTo(45.0, within(1e-9));
    assertThat(m.totalMs()).isCloseTo(390.0, within(1e-9));
    assertThat(m.sawDone()).isTrue();
    assertThat(m.streamError()).isNull();
  }

  @Test
  void reasoningContentIsAFirstTokenAndDeltasAreCountedWithoutUsage() {
    StreamMeter meter = new StreamMeter(START);
    meter.onData(chunk("{\"role\":\"assistant\",\"reasoning_content\":\"Let\"}"), START + 800 * MS);
    for (int i = 1; i <= 15; i++) {
      meter.onData(chunk("{\"content\":\"t" + i + "\",\"reasoning_content\":null}"), START + (800 + 100 * i) * MS);
    }
    StreamMeter.Measurement m = meter.finish(START + 2_400 * MS);
    assertThat(m.ttftMs()).isCloseTo(800.0, within(1e-9));
    assertThat(m.tokensFromUsage()).isFalse();
    assertThat(m.tokens()).isEqualTo(16);
    assertThat(m.tokensPerSecond()).isCloseTo(10.0, within(1e-9));
    assertThat(m.sawDone()).isFalse();
  }

  @Test
  void oneTokenOrTokensArrivingTogetherHaveNoSpeed() {
    StreamMeter one = new StreamMeter(START);
    one.onData(chunk("{\"content\":\"hi\"}"), START + 50 * MS);
    assertThat(one.finish(START + 60 * MS).tokensPerSecond()).isNaN();

    StreamMeter together = new StreamMeter(START);
    together.onData(chunk("{\"content\":\"a\"}"), START + 50 * MS);
    together.onData(chunk("{\"content\":\"b\"}"), START + 50 * MS);
    assertThat(together.finish(START + 60 * MS).tokensPerSecond()).isNaN();
  }

  @Test
  void noTokenMeansNoTtft() {
    StreamMeter meter = new StreamMeter(START);
    meter.onData(chunk("{\"role\":\"assistant\"}"), START + 50 * MS);
    meter.onData("[DONE]", START + 60 * MS);
    assertThat(meter.sawFirstToken()).isFalse();
    assertThat(meter.finish(START + 70 * MS).ttftMs()).isNaN();
  }

  @Test
  void anErrorEventIsReportedWithItsMessageAndCode() {
    StreamMeter meter = new StreamMeter(START);
    meter.onData(chunk("{\"content\":\"par\"}"), START + 50 * MS);
    meter.onData("{\"error\":{\"message\":\"upstream stalled\",\"type\":\"server_error\",\"code\":\"upstream_idle_timeout\"}}",
        START + 90 * MS);
    StreamMeter.Measurement m = meter.finish(START + 91 * MS);
    assertThat(m.streamError()).isEqualTo("upstream stalled (upstream_idle_timeout)");
    assertThat(m.ttftMs()).isCloseTo(50.0, within(1e-9));
  }

  @Test
  void malformedEventsAreCountedNotFatal() {
    StreamMeter meter = new StreamMeter(START);
    meter.onData("not json", START + 10 * MS);
    meter.onData("[1,2]", START + 11 * MS);
    meter.onData(chunk("{\"content\":\"ok\"}"), START + 20 * MS);
    StreamMeter.Measurement m = meter.finish(START + 30 * MS);
    assertThat(m.malformed()).isEqualTo(2);
    assertThat(m.ttftMs()).isCloseTo(20.0, within(1e-9));
  }
}
