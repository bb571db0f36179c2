package dev.meridian.router.surface.chat;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the router does to every chunk of an upstream SSE stream before it writes it to the client:
 * {@code SseUsageFilter.accept} finds the complete events, counts content deltas, reads and (unless the
 * client asked for it) drops the usage event, and redacts error events. In this package because the
 * filter is package-private in router-verticle.
 *
 * <p>{@code chunk}: {@code delta} one content delta per chunk (what providers send most), {@code batch}
 * ten deltas in one chunk, {@code split} one delta arriving as two chunks (measured per pair), {@code
 * usage} the final usage-only event, read and dropped.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseForwardingBenchmark {
  private static final String DELTA =
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1796292585,"
          + "\"model\":\"qwen3-8b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" parcel\"},"
          + "\"finish_reason\":null}]}\n\n";
  private static final String USAGE =
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1796292585,"
          + "\"model\":\"qwen3-8b\",\"choices\":[],\"usage\":{\"prompt_tokens\":28,\"completion_tokens\":64,"
          + "\"total_tokens\":92}}\n\n";

  @Param({"delta", "batch", "split", "usage"})
  public String chunk;

  private SseUsageFilter filter;
  private Buffer first;
  private Buffer second;

  @Setup
  public void setUp() {
    filter = new SseUsageFilter(false);
    switch (chunk) {
      case "delta" -> first = Buffer.buffer(DELTA);
      case "batch" -> first = Buffer.buffer(DELTA.repeat(10));
      case "split" -> {
        first = Buffer.buffer(DELTA.substring(0, 60));
        second = Buffer.buffer(DELTA.substring(60));
      }
      case "usage" -> first = Buffer.buffer(USAGE);
      default -> throw new IllegalArgumentException(chunk);
    }
  }

  @Benchmark
  public Object accept() {
    Buffer out = filter.accept(first);
    return second == null ? out : filter.accept(second);
  }
}
