package dev.meridian.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.launcher.MeridianConfig;
import dev.meridian.launcher.MeridianNode;
import dev.meridian.router.ExchangeListener;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --router}: models from the router's list, rows by the region (and model) that answered. */
class RouterBenchTest {
  @TempDir Path dir;
  MeridianNode node;

  @BeforeEach
  void start() throws Exception {
    MeridianConfig config = MeridianConfig.parse(
        new String[] {"embedded", "--standalone", "--port", "0", "--simulator-port", "0", "--latency-scale", "0.1",
            "--router-instances", "1"},
        Map.of());
    node = MeridianNode.start(config, Map.of(), ExchangeListener.NONE).await(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    node.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void measuresThroughTheRouterAndGroupsByTheAnsweringRegion() throws Exception {
    Path json = dir.resolve("router.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = EndpointBench.run(
        List.of("--router", "http://127.0.0.1:" + node.routerPort() + "/v1", "--model", "deepseek-v4-flash",
            "--model", "budget", "--runs", "3", "--max-tokens", "10", "--latency-scale", "0.1",
            "--out", json.toString(), "--quiet", "--api-key-env", "MERIDIAN_API_KEY"),
        Map.of("MERIDIAN_API_KEY", "sk-meridian-demo-key"), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();

    JsonObject report = new JsonObject(Files.readString(json));
    Set<String> regions = Set.of("us-east", "eu-west", "ap-southeast");
    int flashRuns = 0;
    int budgetRuns = 0;
    for (Object item : report.getJsonArray("results")) {
      JsonObject row = (JsonObject) item;
      assertThat(row.getString("region")).isIn(regions);
      assertThat(row.getInteger("errors")).isZero();
      if (row.getString("model").equals("deepseek-v4-flash")) {
        flashRuns += row.getInteger("runs");
        assertThat(row.getDouble("outputDollarsPerMillion")).isEqualTo(0.25);
        // The router runs the built-in catalog, so its published figures are shown.
        assertThat(row.getJsonObject("catalog").getDouble("ttftMs")).isEqualTo(180.0);
      } else {
        // A tier is answered by one of its models: the row says which, and prices it.
        assertThat(row.getString("model")).startsWith("budget -> ");
        assertThat(row.getDouble("outputDollarsPerMillion")).isNotNull();
        budgetRuns += row.getInteger("runs");
      }
    }
    assertThat(flashRuns).isEqualTo(3);
    assertThat(budgetRuns).isEqualTo(3);
    assertThat(report.getJsonArray("requests").stream()
        .map(r -> ((JsonObject) r).getString("servedModel"))).doesNotContainNull();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("through the Meridian router");
  }
}
