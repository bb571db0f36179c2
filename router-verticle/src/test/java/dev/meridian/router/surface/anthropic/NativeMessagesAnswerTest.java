package dev.meridian.router.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.Usage;
import dev.meridian.router.surface.Surface;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A provider's own Messages answer relayed: events at every cut, usage read, errors re-shaped and redacted. */
class NativeMessagesAnswerTest {
  static final String KEY = "sk-provider-secret-key-0123456789";
  static final SecretRedactor REDACTOR = new SecretRedactor(Set.of(KEY));
  static final String STREAM = "event: message_start\r\n"
      + "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_p1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"deepseek-chat\","
      + "\"content\":[],\"usage\":{\"input_tokens\":20,\"cache_read_input_tokens\":8,\"output_tokens\":1}}}\r\n\r\n"
      + ": a comment line\r\n"
      + "event: content_block_start\r\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\r\n\r\n"
      + "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"
      + "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi \\u2028 there\"}}\r\n\r\n"
      + "event: content_block_stop\r\ndata: {\"type\":\"content_block_stop\",\"index\":0}\r\n\r\n"
      + "event: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}\r\n\r\n"
      + "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n";

  static NativeMessagesAnswer answer() {
    return new NativeMessagesAnswer(REDACTOR, "claude-haiku-4-5");
  }

  /** The relayed stream's events as (type, data) pairs. */
  static List<JsonObject> events(String relayed) {
    List<JsonObject> out = new ArrayList<>();
    for (String block : relayed.split("\n\n")) {
      String name = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          JsonObject data = new JsonObject(line.substring(6));
          assertThat(data.getString("type")).isEqualTo(name);
          out.add(data);
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "cut every {0} bytes")
  @ValueSource(ints = {1, 7, 64, 100_000})
  void everyEventIsRelayedWithItsDataAndTheUsageRead(int cut) {
    Surface.StreamRelay relay = answer().stream();
    byte[] bytes = STREAM.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Buffer out = Buffer.buffer();
    for (int i = 0; i < bytes.length; i += cut) {
      out.appendBuffer(relay.accept(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + cut)))));
    }
    out.appendBuffer(relay.end());
    List<JsonObject> events = events(out.toString());
    assertThat(events).extracting(e -> e.getString("type")).containsExactly("message_start", "content_block_start", "ping",
        "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    assertThat(events.get(0).getJsonObject("message").getString("model")).isEqualTo("claude-haiku-4-5");
    assertThat(events.get(0).getJsonObject("message").getString("id")).isEqualTo("msg_p1");
    assertThat(events.get(3).getJsonObject("delta").getString("text")).isEqualTo("Hi \u2028 there");
    assertThat(relay.upstreamFailed()).isFalse();
    Usage usage = relay.usage(99);
    assertThat(usage.promptTokens()).isEqualTo(28);
    assertThat(usage.cachedPromptTokens()).isEqualTo(8);
    assertThat(usage.completionTokens()).isEqualTo(7);
    assertThat(usage.estimated()).isFalse();
  }

  @Test
  void anErrorEventEndsTheStreamRedactedAndCountsAsFailed() {
    Surface.StreamRelay relay = answer().stream();
    Buffer out = relay.accept(Buffer.buffer("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
        + "\"message\":\"bad key " + KEY + "\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
    out.appendBuffer(relay.end());
    List<JsonObject> events = events(out.toString());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getJsonObject("error").getString("message")).doesNotContain(KEY).contains("bad key");
    assertThat(relay.upstreamFailed()).isTrue();
    assertThat(relay.usage(33).estimated()).isTrue();
  }

  @Test
  void aKeyInsideAnOrdinaryEventIsRedactedEvenWhenJsonEscaped() {
    Surface.StreamRelay relay = answer().stream();
    String escaped = KEY.replace("s", "\\u0073");
    Buffer out = relay.accept(Buffer.buffer("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"key " + escaped + "\"}}\n\n"));
    String relayed = out.toString();
    assertThat(relayed).doesNotContain(KEY).doesNotContain(escaped).contains(SecretRedactor.MASK);
    assertThat(relay.upstreamFailed()).isFalse();
  }

  @Test
  void aJsonAnswerSaysTheClientsModelAndItsUsageIsRead() {
    NativeMessagesAnswer answer = answer();
    Buffer body = Buffer.buffer("{\"id\":\"msg_p2\",\"type\":\"message\",\"model\":\"deepseek-chat\",\"content\":[],"
        + "\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":5,\"cache_read_input_tokens\":3,\"output_tokens\":4}}");
    JsonObject relayed = answer.body(body).toJsonObject();
    assertThat(relayed.getString("model")).isEqualTo("claude-haiku-4-5");
    assertThat(relayed.getString("id")).isEqualTo("msg_p2");
    Usage usage = answer.usage(body);
    assertThat(usage.promptTokens()).isEqualTo(18);
    assertThat(usage.cachedPromptTokens()).isEqualTo(3);
    assertThat(usage.completionTokens()).isEqualTo(4);
    assertThat(answer.usage(Buffer.buffer("not json"))).isNull();
  }

  @Test
  void aProvidersErrorBodyKeepsAnthropicsShapeAndAnotherShapeIsReshaped() {
    NativeMessagesAnswer answer = answer();
    String anthropic = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: too large\"}}";
    assertThat(answer.clientError(400, anthropic).toString()).isEqualTo(anthropic);
    JsonObject reshaped = answer.clientError(422, "{\"error\":{\"message\":\"bad\"}}").toJsonObject();
    assertThat(reshaped.getString("type")).isEqualTo("error");
    assertThat(reshaped.getJsonObject("error").getString("message")).isEqualTo("bad");
  }
}
