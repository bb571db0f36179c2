package dev.meridian.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.simulator.SimulatorOptions;
import dev.meridian.simulator.SimulatorVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command's exit codes and its --base-url mode, against a simulator that checks API keys. */
class EndpointBenchCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private int run(Map<String, String> env, String... args) {
    return EndpointBench.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: bin/meridian bench").contains("--simulate");
  }

  @Test
  void usageMistakesExitTwoBeforeSendingAnything() {
    assertThat(run(Map.of(), "--runs", "3")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("choose what to measure").contains("Usage:");
    err.reset();
    assertThat(run(Map.of(), "--catalog", "--model", "no-such-model")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no model 'no-such-model'");
    err.reset();
    assertThat(run(Map.of(), "--catalog", "--endpoint-region", "mars")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no region 'mars'");
    err.reset();
    assertThat(run(Map.of(), "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--api-key-env", "UNSET_KEY"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("UNSET_KEY");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void baseUrlModeSendsTheKeyFromTheNamedVariableAndCountsRejectionsAsErrors() throws Exception {
    vertx = Vertx.vertx();
    SimulatorVerticle simulator = new SimulatorVerticle(CatalogLoader.loadDefault(),
        new SimulatorOptions().setPort(0).setLatencyScale(0.1).setRequiredApiKey("sk-test-123"));
    vertx.deployVerticle(simulator).await(10, TimeUnit.SECONDS);
    String baseUrl = "http://127.0.0.1:" + simulator.actualPort() + "/us-east/deepseek/v1";
    Path json = dir.resolve("ok.json");

    int code = run(Map.of("BENCH_KEY", "sk-test-123"), "--base-url", baseUrl, "--model", "deepseek-v4-flash",
        "--model", "deepseek-reasoner", "--api-key-env", "BENCH_KEY", "--runs", "3", "--max-tokens", "12",
        "--out", json.toString(), "--quiet");
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonObject report = new JsonObject(Files.readString(json));
    assertThat(report.getJsonArray("results")).hasSize(2);
    JsonObject flash = report.getJsonArray("results").getJsonObject(0);
    assertThat(flash.getString("model")).isEqualTo("deepseek-v4-flash");
    assertThat(flash.getString("region")).isEqualTo("127.0.0.1:" + simulator.actualPort());
    assertThat(flash.getInteger("ok")).isEqualTo(3);
    assertThat(flash.getDouble("outputDollarsPerMillion")).isEqualTo(0.25);
    // deepseek-reasoner is DeepSeek-R1's upstream name: the price is found through it too.
    JsonObject reasoner = report.getJsonArray("results").getJsonObject(1);
    assertThat(reasoner.getInteger("ok")).isEqualTo(3);
    assertThat(reasoner.getDouble("outputDollarsPerMillion")).isEqualTo(2.5);
    assertThat(Files.readString(json)).doesNotContain("sk-test-123");
    assertThat(Files.exists(dir.resolve("ok.svg"))).isTrue();
    assertThat(simulator.stats().toString()).doesNotContain("sk-test-123");

    out.reset();
    Path rejected = dir.resolve("rejected.json");
    int failing = run(Map.of("BENCH_KEY", "wrong"), "--base-url", baseUrl, "--model", "deepseek-v4-flash",
        "--api-key-env", "BENCH_KEY", "--runs", "2", "--warmup", "0", "--out", rejected.toString(), "--quiet");
    assertThat(failing).isEqualTo(1);
    JsonObject row = new JsonObject(Files.readString(rejected)).getJsonArray("results").getJsonObject(0);
    assertThat(row.getInteger("errors")).isEqualTo(2);
    assertThat(row.getJsonObject("errorKinds").getInteger("http_401")).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("http_401 x2");
  }
}
