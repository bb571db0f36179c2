package dev.meridian.bench;

import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.anthropic.MessageContext;
import dev.meridian.core.translate.anthropic.MessagesStreamMapper;
import dev.meridian.core.translate.completions.CompletionContext;
import dev.meridian.core.translate.completions.CompletionsStreamMapper;
import dev.meridian.core.translate.responses.ResponseContext;
import dev.meridian.core.translate.responses.ResponsesStreamMapper;
import dev.meridian.router.surface.TranslatingRelay;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 * delta through {@link TranslatingRelay} with each translating surface's mapper (parse the chunk, map
 * it, write Messages' {@code content_block_delta}, Responses' {@code response.output_text.delta} or a
 * legacy {@code text_completion} chunk), the bulk of a streamed answer. Compare with
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

  private TranslatingRelay messages;
  private TranslatingRelay responses;
  private TranslatingRelay completions;

  @Setup
  public void setUp() {
    messages = started(new MessagesStreamMapper(new MessageContext("msg_1", "qwen3-8b", new JsonArray(), 28)));
    responses = started(new ResponsesStreamMapper(
        new ResponseContext("resp_1", 1796292585, new JsonObject().put("model", "qwen3-8b"), 28)));
    completions = started(new CompletionsStreamMapper(new CompletionContext("cmpl-1", 1796292585, "qwen3-8b", null, false)));
  }

  /** A relay past its opening events (message_start, response.created, the first item or block). */
  private static TranslatingRelay started(EventMapper mapper) {
    TranslatingRelay relay = new TranslatingRelay(mapper, SecretRedactor.none());
    relay.accept(DELTA);
    return relay;
  }

  @Benchmark
  public Buffer messagesDelta() {
    return messages.accept(DELTA);
  }

  @Benchmark
  public Buffer responsesDelta() {
    return responses.accept(DELTA);
  }

  @Benchmark
  public Buffer completionsDelta() {
    return completions.accept(DELTA);
  }
}
