package dev.meridian.bench;

import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.core.routing.RequestProfile;
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
 * {@code ChatRequestParser.parse(body)}: JSON parse plus validation of a chat request, as the router
 * does for every request. Bodies: small (~90 B), medium (the HTTP benchmarks' ~670 B request), large
 * (a 40-turn conversation with a tool, ~25 KB). {@code upstreamBody}: the body the router sends to
 * the provider, with the provider's model name, encoded (once per attempt). {@code profile}: the
 * request's routing profile (size, code, images, tools), read once per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestParsingBenchmark {
  @Param({"small", "medium", "large"})
  public String body;

  private String json;
  private ChatRequest parsed;

  @Setup
  public void setUp() {
    json = switch (body) {
      case "small" -> Fixtures.SMALL_BODY;
      case "medium" -> Fixtures.MEDIUM_BODY;
      default -> Fixtures.largeBody();
    };
    parsed = ChatRequestParser.parse(json);
  }

  @Benchmark
  public ChatRequest parse() {
    return ChatRequestParser.parse(json);
  }

  @Benchmark
  public RequestProfile profile() {
    return RequestProfile.of(parsed);
  }

  @Benchmark
  public Buffer upstreamBody() {
    return parsed.upstreamBody("Qwen/Qwen3-8B").toBuffer();
  }
}
