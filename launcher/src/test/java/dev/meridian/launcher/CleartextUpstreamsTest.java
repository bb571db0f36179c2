package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider with a key and an {@code http://} base URL to a host that is not loopback: the router
 * refuses to start, or to reload such a catalog, unless {@code --allow-cleartext-upstreams true}.
 *
 * <p>No test traffic leaves loopback: the remote URL (a TEST-NET address) is in a region where the
 * model is not served, so nothing probes or routes to it; the loopback URLs point at port 1, where
 * nothing listens.
 */
class CleartextUpstreamsTest {
  static final String KEY = "sk-test-cleartext-provider-key-0123456789";
  static final String REMOTE = "http://192.0.2.10:8090/eu-west/qwen/v1";
  static final Map<String, String> WITH_KEY = Map.of("DASHSCOPE_API_KEY", KEY);

  @TempDir Path dir;
  MeridianNode node;
  Vertx clientVertx;
  ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void captureLogs() {
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    logs = new ListAppender<>();
    logs.setContext(context);
    logs.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
  }

  @AfterEach
  void stop() throws Exception {
    ((LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory())
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logs);
    if (clientVertx != null) {
      clientVertx.close().await(10, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aKeyedProviderWithARemoteHttpUrlStopsTheStartNamingProviderAndRegionButNeverTheKey() throws Exception {
    Path file = catalog("v1", REMOTE);
    assertThatThrownBy(() -> NodeTestSupport.start(router(file), WITH_KEY))
        .satisfies(e -> assertThat(messages(e))
            .contains("provider 'qwen' in region 'eu-west'")
            .contains("http://192.0.2.10:8090")
            .contains("--allow-cleartext-upstreams")
            .doesNotContain(KEY));
    assertThat(logged()).doesNotContain(KEY);
  }

  @Test
  void theSameCatalogStartsWhenTheProviderHasNoKey() throws Exception {
    // The simulator's providers carry no key, so a simulator on another host (deploy/join-test.sh) is fine.
    node = NodeTestSupport.start(router(catalog("v1", REMOTE)), Map.of());
    assertThat(node.catalog().version()).isEqualTo("v1");
    assertThat(logged()).doesNotContain("cleartext");
  }

  @Test
  void allowedExplicitlyItStartsWithOneWarningPerProviderAndRegion() throws Exception {
    List<String> args = router(catalog("v1", REMOTE));
    args.addAll(List.of("--allow-cleartext-upstreams", "true"));
    node = NodeTestSupport.start(args, WITH_KEY);
    List<String> warnings = logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("cleartext"))
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("'qwen'").contains("'eu-west'").contains("http://192.0.2.10:8090");
    assertThat(logged()).doesNotContain(KEY);
    // Strict about its value: anything but true or false is an error, never a quiet false.
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"router"}, Map.of("MERIDIAN_ALLOW_CLEARTEXT_UPSTREAMS", "yes")))
        .hasMessageContaining("--allow-cleartext-upstreams must be true or false");
  }

  @Test
  void aReloadedCatalogThatWouldSendTheKeyInCleartextIsRejectedAndTheOldOneKept() throws Exception {
    Path file = catalog("v1", null);
    List<String> args = router(file);
    args.addAll(List.of("--catalog-reload-ms", "100"));
    node = NodeTestSupport.start(args, WITH_KEY);
    clientVertx = Vertx.vertx();
    HttpClient client = clientVertx.createHttpClient();
    assertThat(version(client)).isEqualTo("v1");

    Files.writeString(file, Files.readString(catalog("v2", REMOTE)));
    awaitCondition(Duration.ofSeconds(10),
        () -> metrics(client).contains("meridian_catalog_reloads_total{result=\"rejected\"} 1.0"));
    assertThat(version(client)).isEqualTo("v1");
    assertThat(node.rules().catalog().provider("qwen").baseUrl("eu-west")).doesNotContain("192.0.2.10");
    assertThat(logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage))
        .anySatisfy(m -> assertThat(m).contains("rejected").contains("provider 'qwen' in region 'eu-west'"));
    assertThat(logged()).doesNotContain(KEY);
  }

  /** The default catalog cut to one qwen model served in us-east only, every URL on loopback port 1. */
  private Path catalog(String version, String euWestQwenUrl) throws Exception {
    Path sub = Files.createTempDirectory(dir, version);
    Path file = NodeTestSupport.catalogOf(sub, Set.of("qwen3-8b"));
    JsonObject json = new JsonObject(Files.readString(file)).put("version", version);
    for (Object provider : json.getJsonArray("providers")) {
      JsonObject urls = ((JsonObject) provider).getJsonObject("baseUrls");
      for (String region : urls.fieldNames()) {
        urls.put(region, "http://127.0.0.1:1/" + region + "/" + ((JsonObject) provider).getString("id") + "/v1");
      }
      if (euWestQwenUrl != null && ((JsonObject) provider).getString("id").equals("qwen")) {
        urls.put("eu-west", euWestQwenUrl);
      }
    }
    json.getJsonArray("models").getJsonObject(0).put("regions", new JsonArray().add("us-east"));
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  private static List<String> router(Path catalog) {
    return new ArrayList<>(List.of("router", "--standalone", "--port", "0", "--router-instances", "1",
        "--catalog", catalog.toString(), "--probe-interval-ms", "60000"));
  }

  private String version(HttpClient client) throws Exception {
    return NodeTestSupport.admin(client, node.routerPort(), HttpMethod.GET, "/v1/models", null)
        .await(10, TimeUnit.SECONDS).toJsonObject().getString("catalog_version");
  }

  private String metrics(HttpClient client) {
    try {
      return NodeTestSupport.admin(client, node.routerPort(), HttpMethod.GET, "/metrics", null)
          .await(10, TimeUnit.SECONDS).toString();
    } catch (Exception e) {
      return "";
    }
  }

  private String logged() {
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent event : logs.list) {
      text.append(event.getFormattedMessage()).append('\n');
      if (event.getThrowableProxy() != null) {
        text.append(ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
    }
    return text.toString();
  }

  private static String messages(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append('\n');
    }
    return text.toString();
  }
}
