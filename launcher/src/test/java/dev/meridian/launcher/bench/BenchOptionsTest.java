package dev.meridian.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  private static BenchOptions parse(String... args) {
    return BenchOptions.parse(List.of(args));
  }

  @Test
  void defaultsFollowTheCatalogFactsMethod() {
    BenchOptions o = parse("--simulate");
    assertThat(o.mode()).isEqualTo(BenchOptions.Mode.SIMULATE);
    assertThat(o.runs()).isEqualTo(10);
    assertThat(o.concurrency()).isEqualTo(4);
    assertThat(o.maxTokens()).isEqualTo(150);
    assertThat(o.prompt()).isEqualTo("Explain recursion in 200 words");
    assertThat(o.latencyScale()).isEqualTo(1.0);
    assertThat(o.streamUsage()).isTrue();
    assertThat(o.warmup()).isEqualTo(1);
    assertThat(o.catalogFile()).isNull();
    assertThat(o.out()).isNull();
  }

  @Test
  void baseUrlModeTakesModelsRepeatedOrCommaSeparated() {
    BenchOptions o = parse("--base-url", "https://api.example.com/v1/", "--model", "a,b", "--model=c",
        "--api-key-env", "EXAMPLE_KEY", "--runs=3", "--concurrency", "2", "--max-tokens", "30", "--prompt", "hi there",
        "--timeout-ms", "5000", "--warmup", "0", "--no-stream-usage", "--out", "x/r.json", "--svg", "x/c.svg", "--quiet");
    assertThat(o.mode()).isEqualTo(BenchOptions.Mode.BASE_URL);
    assertThat(o.baseUrl()).isEqualTo("https://api.example.com/v1");
    assertThat(o.models()).containsExactly("a", "b", "c");
    assertThat(o.apiKeyEnv()).isEqualTo("EXAMPLE_KEY");
    assertThat(o.runs()).isEqualTo(3);
    assertThat(o.concurrency()).isEqualTo(2);
    assertThat(o.maxTokens()).isEqualTo(30);
    assertThat(o.prompt()).isEqualTo("hi there");
    assertThat(o.timeoutMs()).isEqualTo(5000);
    assertThat(o.warmup()).isZero();
    assertThat(o.streamUsage()).isFalse();
    assertThat(o.out()).isEqualTo(Path.of("x/r.json"));
    assertThat(o.svg()).isEqualTo(Path.of("x/c.svg"));
    assertThat(o.quiet()).isTrue();
  }

  @Test
  void catalogTakesAnOptionalFile() {
    assertThat(parse("--catalog").catalogFile()).isNull();
    assertThat(parse("--catalog", "--runs", "2").catalogFile()).isNull();
    assertThat(parse("--catalog", "--runs", "2").runs()).isEqualTo(2);
    assertThat(parse("--catalog", "my.json").catalogFile()).isEqualTo("my.json");
    assertThat(parse("--catalog=my.json").mode()).isEqualTo(BenchOptions.Mode.CATALOG);
    BenchOptions simulated = parse("--simulate", "--catalog", "my.json", "--endpoint-region", "us-east,eu-west",
        "--region-header", "us-east", "--latency-scale", "0.2");
    assertThat(simulated.mode()).isEqualTo(BenchOptions.Mode.SIMULATE);
    assertThat(simulated.catalogFile()).isEqualTo("my.json");
    assertThat(simulated.endpointRegions()).containsExactly("us-east", "eu-west");
    assertThat(simulated.regionHeader()).isEqualTo("us-east");
    assertThat(simulated.latencyScale()).isEqualTo(0.2);
  }

  @Test
  void routerMode() {
    BenchOptions o = parse("--router", "http://127.0.0.1:8080", "--model", "auto");
    assertThat(o.mode()).isEqualTo(BenchOptions.Mode.ROUTER);
    assertThat(o.routerUrl()).isEqualTo("http://127.0.0.1:8080");
  }

  @Test
  void helpNeedsNoMode() {
    assertThat(parse("--help").help()).isTrue();
    assertThat(parse("-h").help()).isTrue();
    assertThat(BenchOptions.usage()).contains("--base-url", "--catalog", "--router", "--simulate", "--runs",
        "--concurrency", "--latency-scale", "--region-header", "--out", "--svg");
  }

  @Test
  void rejectsMistakesWithAMessageNamingThem() {
    assertThatThrownBy(() -> parse()).hasMessageContaining("choose what to measure");
    assertThatThrownBy(() -> parse("--base-url", "http://h/v1")).hasMessageContaining("--model");
    assertThatThrownBy(() -> parse("--base-url", "http://h/v1", "--model", "m", "--router", "http://r"))
        .hasMessageContaining("one of");
    assertThatThrownBy(() -> parse("--simulate", "--router", "http://r")).hasMessageContaining("--simulate");
    assertThatThrownBy(() -> parse("--base-url", "ftp://h", "--model", "m")).hasMessageContaining("http");
    assertThatThrownBy(() -> parse("--simulate", "--runs", "0")).hasMessageContaining("--runs");
    assertThatThrownBy(() -> parse("--simulate", "--runs", "many")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> parse("--simulate", "--concurrency")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> parse("--simulate", "--latency-scale", "-1")).hasMessageContaining("--latency-scale");
    assertThatThrownBy(() -> parse("--simulate", "--frobnicate", "1")).hasMessageContaining("unknown option --frobnicate");
    assertThatThrownBy(() -> parse("--simulate", "stray")).hasMessageContaining("unexpected argument 'stray'");
    assertThatThrownBy(() -> parse("--router", "http://r", "--region-header", "us-east"))
        .hasMessageContaining("--region-header");
    assertThatThrownBy(() -> parse("--router", "http://r", "--endpoint-region", "us-east"))
        .hasMessageContaining("--endpoint-region");
    assertThatThrownBy(() -> parse("--simulate", "--api-key-env", "X")).hasMessageContaining("--api-key-env");
    assertThatThrownBy(() -> parse("--simulate=yes")).hasMessageContaining("takes no value");
  }
}
