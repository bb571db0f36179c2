package dev.meridian.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The headers of one routed answer (route, usage, cost and rate-limit headers), set and encoded the way
 * Vert.x writes a response head: with the names as {@code String}s (hashed and encoded per response)
 * against the names made once as ASCII strings (what the router's HeaderNames does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResponseHeadersBenchmark {
  private static final String[] NAMES = {
    "content-type", "x-request-id", "x-meridian-attempts", "x-meridian-route-reason", "x-meridian-model",
    "x-meridian-provider", "x-meridian-region", "x-meridian-cost-usd", "x-meridian-prompt-tokens",
    "x-meridian-completion-tokens", "x-meridian-usage-source", "x-ratelimit-limit-requests",
    "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
  };
  private static final String[] VALUES = {
    "application/json", "9b1c6d0e-2f4a-4c1e-9d7b-3a5e8f0c1b2d", "1", "lowest_ttft", "qwen3-8b", "qwen",
    "ap-southeast", "0.00002800", "96", "64", "provider", "600", "599", "0.1s",
  };

  private CharSequence[] optimizedNames;
  private ByteBuf out;

  @Setup
  public void setUp() {
    optimizedNames = new CharSequence[NAMES.length];
    for (int i = 0; i < NAMES.length; i++) {
      optimizedNames[i] = HttpHeaders.createOptimized(NAMES[i]);
    }
    out = Unpooled.buffer(2048);
  }

  @Benchmark
  public int stringNames() {
    HeadersMultiMap headers = HeadersMultiMap.httpHeaders();
    for (int i = 0; i < NAMES.length; i++) {
      headers.set(NAMES[i], VALUES[i]);
    }
    out.clear();
    headers.encode(out, true);
    return out.writerIndex();
  }

  @Benchmark
  public int asciiNames() {
    HeadersMultiMap headers = HeadersMultiMap.httpHeaders();
    for (int i = 0; i < NAMES.length; i++) {
      headers.set(optimizedNames[i], VALUES[i]);
    }
    out.clear();
    headers.encode(out, true);
    return out.writerIndex();
  }
}
