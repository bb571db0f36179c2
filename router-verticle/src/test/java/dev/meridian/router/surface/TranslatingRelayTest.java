package dev.meridian.router.surface;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.translate.SseEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay of translated surfaces, with a mapper that names what it was given. */
class TranslatingRelayTest {
  private static final String KEY = "sk-provider-secret-0123456789abcdef";

  /** Records each call as one event: start, chunk:<content>, end:<completion tokens>, error:<message>. */
  static final class NamingMapper implements dev.meridian.core.translate.EventMapper {
    @Override
    public List<SseEvent> start() {
      return List.of(new SseEvent("start", "{}"));
    }

    @Override
    public List<SseEvent> onChunk(JsonObject chunk) {
      String content = chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content", "");
      return List.of(new SseEvent("chunk", new JsonObject().put("content", content).encode()));
    }

    @Override
    public List<SseEvent> onEnd(JsonObject usage) {
      return List.of(new SseEvent("end", new JsonObject().put("usage", usage).encode()));
    }

    @Override
    public List<SseEvent> onError(OpenAiError error) {
      return List.of(new SseEvent("error", new JsonObject().put("message", error.message()).encode()));
    }
  }

  private static List<String> events(String wire) {
    List<String> names = new ArrayList<>();
    for (String block : wire.split("\n\n")) {
      if (!block.isBlank()) {
        names.add(block.lines().findFirst().orElse("").replace("event: ", ""));
      }
    }
    return names;
  }

  private static String relay(TranslatingRelay relay, String upstream, int splitEvery) {
    StringBuilder out = new StringBuilder();
    byte[] bytes = upstream.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += splitEvery) {
      out.append(relay.accept(Buffer.buffer().appendBytes(bytes, i, Math.min(splitEvery, bytes.length - i))).toString());
    }
    out.append(relay.end().toString());
    return out.toString();
  }

  static final String PRETTY_STREAM =
      "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"Hel\"}}]}\r\n\r\n"
          + ": keep-alive\r\n\r\n"
          + "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"lo\"}}]}\r\n\r\n"
          + "data: {\"choices\": [], \"usage\": {\"prompt_tokens\": 7, \"completion_tokens\": 2}}\r\n\r\n"
          + "data: [DONE]\r\n\r\n";

  @Test
  void parsedChunksReachTheMapperWhereverTheBytesAreCut() {
    for (int split = 1; split <= PRETTY_STREAM.length(); split += 7) {
      TranslatingRelay relay = new TranslatingRelay(new NamingMapper(), SecretRedactor.none());
      String out = relay(relay, PRETTY_STREAM, split);
      assertThat(events(out)).as("split every %d bytes", split).containsExactly("start", "chunk", "chunk", "end");
      assertThat(out).contains("\"content\":\"Hel\"").contains("\"content\":\"lo\"").contains("\"completion_tokens\":2");
      assertThat(relay.usage(99)).isEqualTo(new Usage(7, 2, false));
    }
  }

  @Test
  void withoutUsageTheRelayEstimatesFromTheChunks() {
    TranslatingRelay relay = new TranslatingRelay(new NamingMapper(), SecretRedactor.none());
    relay(relay, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n", 1000);
    assertThat(relay.usage(5)).isEqualTo(new Usage(5, 2, true));
  }

  @Test
  void anUpstreamErrorOfAnyShapeEndsTheStreamInTheSurfacesShapeRedacted() {
    for (String error : List.of(
        "data: {\"error\": {\"message\": \"bad key " + KEY + "\"}}\n\n",
        "event: error\ndata: {\"type\": \"overloaded_error\", \"message\": \"busy " + KEY + "\"}\n\n",
        "data: upstream exploded " + KEY + "\n\n")) {
      TranslatingRelay relay = new TranslatingRelay(new NamingMapper(), new SecretRedactor(List.of(KEY)));
      String out = relay(relay, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n" + error
          + "data: {\"choices\":[{\"delta\":{\"content\":\"after\"}}]}\n\n", 1000);
      assertThat(events(out)).as(error).containsExactly("start", "chunk", "error");
      assertThat(out).doesNotContain(KEY).doesNotContain("after").contains(SecretRedactor.MASK);
    }
  }
}
