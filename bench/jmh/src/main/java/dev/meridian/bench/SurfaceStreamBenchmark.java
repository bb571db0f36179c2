package dev.meridian.bench;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.translate.SseEvent;
import dev.meridian.core.translate.anthropic.MessageContext;
import dev.meridian.core.translate.anthropic.MessagesStreamMapper;
import dev.meridian.router.surface.TranslatingRelay;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a translated stream costs per upstream chunk beyond chat's relay: one chat-completions content
 * delta through {@link TranslatingRelay} with the Anthropic Messages mapper (parse the chunk, map it,
 * write {@code content_block_delta}), the bulk of a streamed Messages answer. Compare with
 * {@code SseForwardingBenchmark.accept} at {@code chunk=delta}, chat's relay of the same bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SurfaceStreamBenchmark {
  private static final Buffer DELTA = Buffer.buffer(
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1796292585,"
          + "\"model\":\"qwen3-8b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" parcel\"},"
          + "\"finish_reason\":null}]}\n\n");

  private TranslatingRelay relay;

  @Setup
  public void setUp() {
    MessageContext context = new MessageContext("msg_1", "qwen3-8b", new JsonArray(), 28);
    MessagesStreamMapper mapper = new MessagesStreamMapper(context);
    relay = new TranslatingRelay(new TranslatingRelay.EventMapper() {
      @Override
      public List<SseEvent> start() {
        return mapper.start();
      }

      @Override
      public List<SseEvent> onChunk(JsonObject chatChunk) {
        return mapper.onChunk(chatChunk);
      }

      @Override
      public List<SseEvent> onEnd(JsonObject usage) {
        return mapper.onEnd(usage);
      }

      @Override
      public List<SseEvent> onError(OpenAiError error) {
        return mapper.onError(error);
      }
    }, SecretRedactor.none());
    relay.accept(DELTA); // past message_start and the first content_block_start
  }

  @Benchmark
  public Buffer messagesDelta() {
    return relay.accept(DELTA);
  }
}
