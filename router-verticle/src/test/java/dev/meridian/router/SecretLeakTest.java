package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.Provider;
import dev.meridian.core.openai.MeridianHeaders;
import dev.meridian.simulator.SimulatedProviders;
import dev.meridian.simulator.SimulatorOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Plants provider keys, drives requests through every error path the router has, and scans everything
 * that leaves the process for them: response status lines, headers, bodies, SSE streams and trailers,
 * {@code /metrics}, {@code /status.json}, {@code /status}, {@code /readyz}, {@code /healthz},
 * {@code /v1/models}, the simulator's own stats and faults, every log event (Meridian, Vert.x and Netty
 * at DEBUG for the duration of the class) and everything written to stdout and stderr.
 *
 * <p>A leak is the whole key or any 12 consecutive characters of it (so its first 12, its last 12, a
 * provider's "sk-abc...wxyz" masked echo of 12 or more characters).
 *
 * <p>Two keys are planted: {@link #KEY} for every provider (the simulator requires it, so a 200 proves it
 * was sent), and {@link #WRONG_KEY} for Qwen (DASHSCOPE_API_KEY), whose endpoints therefore answer 401.
 * An echo provider (a tiny HTTP server in this test) plays a provider that echoes the key it was sent in
 * its error bodies and headers, which the simulator never does.
 */
class SecretLeakTest extends RouterTestBase {
  static final String KEY = "sk-planted-" + random(32);
  static final String WRONG_KEY = "sk-planted-" + random(32);
  static final int WINDOW = 12;

  /** Logger levels raised to DEBUG for this class, restored after. */
  static final List<String> DEBUG_LOGGERS = List.of("dev.meridian", "io.vertx", "io.netty");

  static ListAppender<ILoggingEvent> logs;
  static final Map<String, Level> savedLevels = new HashMap<>();
  static PrintStream savedOut;
  static PrintStream savedErr;
  static final ByteArrayOutputStream console = new ByteArrayOutputStream();

  /** Everything a client or scraper received in the current test, label -> text. */
  final List<Map.Entry<String, String>> outputs = new CopyOnWriteArrayList<>();
  io.vertx.core.net.NetClient net;

  @org.junit.jupiter.api.BeforeEach
  void rawClient() {
    net = vertx.createNetClient();
  }

  /** The echo-provider router of the test, when it started one. */
  RouterVerticle echoRouter;
  PrometheusMeterRegistry echoRegistry;

  static String random(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  @Override
  SimulatorOptions simulatorOptions() {
    return super.simulatorOptions().setRequiredApiKey(KEY);
  }

  @Override
  ApiKeys apiKeys() {
    Map<String, String> keys = new HashMap<>();
    for (Provider provider : CatalogLoader.loadDefault().providers()) {
      keys.put(provider.apiKeyEnv(), provider.id().equals("qwen") ? WRONG_KEY : KEY);
    }
    return ApiKeys.of(keys);
  }

  // ---------------------------------------------------------------------------------------------
  // Capture: logs at DEBUG and the console, for the whole class

  @BeforeAll
  static void captureLogsAndConsole() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    for (String name : DEBUG_LOGGERS) {
      ch.qos.logback.classic.Logger logger = context.getLogger(name);
      savedLevels.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
    logs = new ListAppender<>();
    logs.setContext(context);
    logs.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(new Tee(savedOut, console), true));
    System.setErr(new PrintStream(new Tee(savedErr, console), true));
  }

  @AfterAll
  static void restoreAndScanEverythingLogged() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    System.setOut(savedOut);
    System.setErr(savedErr);
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logs);
    logs.stop();
    savedLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    // The last test's shutdown logs arrive after its @AfterEach: scanned here.
    List<String> leaks = new ArrayList<>();
    scanLogsAndConsole(leaks);
    assertThat(leaks).as("planted keys in logs or console output (whole class)").isEmpty();
    int events;
    long meridianDebug;
    synchronized (logs) {
      events = logs.list.size();
      meridianDebug = logs.list.stream()
          .filter(e -> e.getLevel() == Level.DEBUG && e.getLoggerName().startsWith("dev.meridian")).count();
    }
    assertThat(meridianDebug).as("the capture saw Meridian's DEBUG logs (else the scan proves nothing)").isPositive();
    System.out.printf("SecretLeakTest: scanned %d log events and %d bytes of console output%n", events, console.size());
  }

  /** Duplicates writes to the real stream and a buffer. */
  static final class Tee extends OutputStream {
    private final OutputStream first;
    private final ByteArrayOutputStream second;

    Tee(OutputStream first, ByteArrayOutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }

    @Override
    public void flush() throws java.io.IOException {
      first.flush();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Scanning

  /** Every planted secret's whole value and each of its 12-character windows. */
  static List<String> needles() {
    List<String> needles = new ArrayList<>();
    for (String secret : List.of(KEY, WRONG_KEY)) {
      for (int i = 0; i + WINDOW <= secret.length(); i++) {
        needles.add(secret.substring(i, i + WINDOW));
      }
    }
    return needles;
  }

  static void scan(String label, String text, List<String> leaks) {
    if (text == null) {
      return;
    }
    for (String needle : needles()) {
      int at = text.indexOf(needle);
      if (at >= 0) {
        String which = (KEY.contains(needle) ? "KEY" : "WRONG_KEY") + " chars " + (KEY.contains(needle)
            ? KEY.indexOf(needle) : WRONG_KEY.indexOf(needle)) + ".." + ((KEY.contains(needle) ? KEY.indexOf(needle)
            : WRONG_KEY.indexOf(needle)) + WINDOW);
        String context = text.substring(Math.max(0, at - 120), Math.min(text.length(), at + needle.length() + 120));
        leaks.add(label + ": contains " + which + " in: " + mask(context));
        return;
      }
    }
  }

  /** The text with every planted secret and secret window replaced, safe to print. */
  static String mask(String text) {
    String masked = text.replace(KEY, "<KEY>").replace(WRONG_KEY, "<WRONG_KEY>");
    for (String needle : needles()) {
      masked = masked.replace(needle, "<12 CHARS OF A KEY>");
    }
    return masked.replace('\n', ' ');
  }

  static void scanLogsAndConsole(List<String> leaks) {
    List<ILoggingEvent> events;
    synchronized (logs) {
      events = new ArrayList<>(logs.list);
    }
    for (ILoggingEvent event : events) {
      StringBuilder text = new StringBuilder()
          .append(event.getLoggerName()).append(' ').append(event.getThreadName()).append(' ')
          .append(event.getFormattedMessage()).append(' ').append(event.getMDCPropertyMap());
      if (event.getArgumentArray() != null) {
        for (Object argument : event.getArgumentArray()) {
          text.append(' ').append(argument);
        }
      }
      if (event.getKeyValuePairs() != null) {
        text.append(' ').append(event.getKeyValuePairs());
      }
      if (event.getThrowableProxy() != null) {
        text.append(' ').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      scan("log " + event.getLevel() + " " + event.getLoggerName(), text.toString(), leaks);
    }
    String printed;
    synchronized (console) {
      printed = console.toString(StandardCharsets.UTF_8);
    }
    scan("stdout/stderr", printed, leaks);
  }

  /** Scrapes every read-only surface of the router(s) and the simulator, then scans it all. */
  @AfterEach
  void scanEverySurface() throws Exception {
    List<Integer> ports = new ArrayList<>(List.of(router.actualPort()));
    if (echoRouter != null) {
      ports.add(echoRouter.actualPort());
    }
    for (int port : ports) {
      for (String path : List.of("/metrics", "/status.json", "/status", "/readyz", "/healthz", "/v1/models", "/")) {
        capture("GET " + path + " :" + port, call(port, HttpMethod.GET, path, null, Map.of()));
      }
    }
    for (String path : List.of("/admin/stats", "/admin/faults", "/healthz")) {
      capture("simulator GET " + path, call(simulator.actualPort(), HttpMethod.GET, path, null, Map.of()));
    }
    outputs.add(Map.entry("simulator stats (in process)", simulator.stats().toJson().encode()));
    outputs.add(Map.entry("router registry scrape", registry.scrape()));
    if (echoRegistry != null) {
      outputs.add(Map.entry("echo router registry scrape", echoRegistry.scrape()));
    }
    outputs.add(Map.entry("router options", routerOptions().toJson().encode()));
    outputs.add(Map.entry("simulator options toString", simulatorOptions().toString()));
    outputs.add(Map.entry("last exchange record", String.valueOf(lastExchange.get())));

    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, String> output : outputs) {
      scan(output.getKey(), output.getValue(), leaks);
    }
    scanLogsAndConsole(leaks);
    assertThat(leaks).as("planted keys found in %d outputs and the logs", outputs.size()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Requests, captured whole

  /** One exchange as the client saw it; {@code wire} is every byte the server sent, which is what is scanned. */
  record Seen(int status, Map<String, String> headers, String body, String trailers, String wire) {
    /** The wire bytes, and the body and trailers once more without chunk framing (a key split across chunks). */
    String text() {
      return wire + "\n" + body + "\n" + trailers;
    }

    String header(String name) {
      return headers.get(name);
    }

    JsonObject error() {
      return new JsonObject(body).getJsonObject("error");
    }
  }

  Seen call(int port, HttpMethod method, String path, String body, Map<String, String> headers) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(headers);
    if (body != null && !all.containsKey("content-type")) {
      all.put("content-type", "application/json");
    }
    RawHttp.Response response = RawHttp.exchange(net, port, method.name(), path, all,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), 20_000);
    return new Seen(response.status(), response.headers(), response.body().toString(), response.trailers(),
        response.wire().toString(StandardCharsets.UTF_8));
  }

  Seen capture(String label, Seen seen) {
    outputs.add(Map.entry(label, seen.text()));
    return seen;
  }

  Seen chatOn(int port, String label, String body, Map<String, String> headers) throws Exception {
    return capture(label, call(port, HttpMethod.POST, "/v1/chat/completions", body, headers));
  }

  Seen chat(String label, String body) throws Exception {
    return chatOn(router.actualPort(), label, body, Map.of());
  }

  Seen chat(String label, String body, Map<String, String> headers) throws Exception {
    return chatOn(router.actualPort(), label, body, headers);
  }

  static String request(String model, boolean stream) {
    return chat(model, stream).encode();
  }

  static String request(String model, boolean stream, String content) {
    return new JsonObject().put("model", model).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content))).encode();
  }

  void observeEverywhere(String model) {
    observe(model, "us-east", 100);
    observe(model, "eu-west", 200);
    observe(model, "ap-southeast", 300);
  }

  void faultEverywhere(String model, JsonObject spec) throws Exception {
    for (String region : List.of("us-east", "eu-west", "ap-southeast")) {
      fault(model, region, spec);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The paths

  @Test
  void theScannerFindsWholeKeysAndAny12CharacterPieceButNotLess() {
    List<String> found = new ArrayList<>();
    scan("whole", "x " + KEY + " y", found);
    scan("first 12", "key " + KEY.substring(0, WINDOW) + "**** end", found);
    scan("last 12", WRONG_KEY.substring(WRONG_KEY.length() - WINDOW), found);
    scan("middle 12", "[" + KEY.substring(15, 15 + WINDOW) + "]", found);
    assertThat(found).hasSize(4);
    List<String> none = new ArrayList<>();
    scan("11 characters", KEY.substring(0, WINDOW - 1) + " " + KEY.substring(20, 20 + WINDOW - 1), none);
    assertThat(none).isEmpty();
    assertThat(mask("a " + KEY + " b")).doesNotContain(KEY.substring(0, WINDOW)).contains("<KEY>");
  }

  @Test
  void successfulRequestsCarryTheKeyUpstreamAndNeverBack() throws Exception {
    observeEverywhere("deepseek-v4-flash");
    observeEverywhere("step-3.5-flash");
    // 200s prove the key was sent: the simulator requires it.
    assertThat(chat("json", request("deepseek-v4-flash", false)).status()).isEqualTo(200);
    Seen stream = chat("stream", new JsonObject(request("deepseek-v4-flash", true))
        .put("stream_options", new JsonObject().put("include_usage", true)).encode());
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.body()).endsWith("data: [DONE]\n\n");
    assertThat(stream.trailers()).contains(ExchangeDriver.COST_HEADER);
    assertThat(chat("tier", request("ultra-budget", false)).status()).isEqualTo(200);
    assertThat(chat("auto", request("auto", true)).status()).isEqualTo(200);
    assertThat(simulator.stats().endpoint("deepseek-v4-flash@us-east").toJson().encode())
        .as("the simulator counts Authorization headers, never their values").contains("\"authorizationPresent\":");
  }

  @Test
  void clientErrorsNeverEchoAKey() throws Exception {
    observeEverywhere("glm-5");
    String valid = request("glm-5", false);
    assertThat(chat("bad json", "{\"model\":\"glm-5\",").status()).isEqualTo(400);
    assertThat(chat("empty body", "").status()).isEqualTo(400);
    assertThat(chat("array body", "[1]").status()).isEqualTo(400);
    assertThat(chat("no messages", "{\"model\":\"glm-5\"}").status()).isEqualTo(400);
    assertThat(chat("bad role", "{\"model\":\"glm-5\",\"messages\":[{\"role\":\"x\",\"content\":\"y\"}]}").status()).isEqualTo(400);
    assertThat(chat("unknown model", request("gpt-9", false)).status()).isEqualTo(404);
    assertThat(chat("image to a text model", new JsonObject(valid).put("messages", new JsonArray().add(new JsonObject()
        .put("role", "user").put("content", new JsonArray().add(new JsonObject().put("type", "image_url")
            .put("image_url", new JsonObject().put("url", "http://x/y.png"))))))
        .encode()).status()).isEqualTo(400);
    assertThat(chat("413", request("glm-5", false, "x".repeat(70 * 1024))).status()).isEqualTo(413);
    assertThat(chat("bad deadline header", valid, Map.of("x-meridian-timeout-ms", "soon")).status()).isEqualTo(400);
    assertThat(chat("bad objective header", valid, Map.of("x-meridian-objective", "cheapest")).status()).isEqualTo(400);
    assertThat(chat("region nobody serves", valid, Map.of("x-meridian-only-region", "mars")).status()).isEqualTo(400);
    // The client may send an Authorization header of its own: it is neither forwarded nor echoed.
    assertThat(chat("client authorization", valid, Map.of("authorization", "Bearer client-key-123456")).status())
        .isEqualTo(200);
    capture("unknown path", call(router.actualPort(), HttpMethod.GET, "/v1/nothing", null, Map.of()));
    capture("wrong method", call(router.actualPort(), HttpMethod.DELETE, "/v1/chat/completions", null, Map.of()));
    capture("form body", call(router.actualPort(), HttpMethod.POST, "/v1/chat/completions", "a=" + "b".repeat(20_000),
        Map.of("content-type", "application/x-www-form-urlencoded")));
  }

  @Test
  void rateLimitedEverywhereIsA429WithoutTheKey() throws Exception {
    observeEverywhere("glm-4-32b");
    faultEverywhere("glm-4-32b", new JsonObject().put("rateLimitRate", 1.0).put("retryAfterSeconds", 7));
    Seen first = chat("429 from upstreams", request("glm-4-32b", false));
    assertThat(first.status()).isEqualTo(429);
    assertThat(first.header("retry-after")).isNotNull();
    // Now blocked on this router: answered from the blocklist without an upstream call.
    Seen second = chat("429 from the blocklist", request("glm-4-32b", true));
    assertThat(second.status()).isEqualTo(429);
  }

  @Test
  void upstream5xxFailoverExhaustionAndRelayed400sLeakNothing() throws Exception {
    observeEverywhere("hunyuan-turbos");
    fault("hunyuan-turbos", "us-east", new JsonObject().put("errorRate", 1.0).put("errorStatus", 503));
    Seen failover = chat("5xx then failover", request("hunyuan-turbos", false));
    assertThat(failover.status()).isEqualTo(200);
    assertThat(failover.header(MeridianHeaders.ATTEMPTS)).isEqualTo("2");
    faultEverywhere("hunyuan-turbos", new JsonObject().put("errorRate", 1.0).put("errorStatus", 500));
    Seen exhausted = chat("5xx everywhere", request("hunyuan-turbos", true));
    assertThat(exhausted.status()).isEqualTo(502);
    observeEverywhere("hunyuan-turbo");
    faultEverywhere("hunyuan-turbo", new JsonObject().put("errorRate", 1.0).put("errorStatus", 422));
    Seen relayed = chat("upstream 422 relayed", request("hunyuan-turbo", false));
    assertThat(relayed.status()).isEqualTo(422);
    observeEverywhere("doubao-seed-lite");
    faultEverywhere("doubao-seed-lite", new JsonObject().put("down", true));
    Seen down = chat("connection refused everywhere", request("doubao-seed-lite", false));
    assertThat(down.status()).isEqualTo(502);
    assertThat(down.error().getString("message")).contains("connection failed");
  }

  @Test
  void aProviderRejectingOurKeyIsA502WithoutIt() throws Exception {
    observeEverywhere("qwen3-8b");
    observeEverywhere("step-3.5-flash");
    Seen json = chat("401 everywhere", request("qwen3-8b", false));
    assertThat(json.status()).isEqualTo(502);
    assertThat(json.error().getString("message")).contains("HTTP 401");
    assertThat(chat("401 everywhere, stream", request("qwen3-8b", true)).status()).isEqualTo(502);
    // A tier containing the broken provider falls through to a working one.
    assertThat(chat("tier around a 401", request("ultra-budget", false), Map.of("x-meridian-only-provider", "qwen,stepfun"))
        .status()).isIn(200, 502);
  }

  @Test
  void brokenStalledAndTimedOutRequestsLeakNothing() throws Exception {
    observeEverywhere("kimi-k2.5");
    faultEverywhere("kimi-k2.5", new JsonObject().put("resetAfterChunks", 3));
    Seen reset = chat("mid-stream reset", request("kimi-k2.5", true));
    assertThat(reset.status()).isEqualTo(200);
    assertThat(reset.body()).contains("upstream_stream_error");

    observeEverywhere("minimax-m2.5");
    faultEverywhere("minimax-m2.5", new JsonObject().put("stallAfterChunks", 2));
    Seen stalled = chat("stream stalls, idle deadline", request("minimax-m2.5", true),
        Map.of("x-meridian-idle-timeout-ms", "300"));
    assertThat(stalled.status()).isEqualTo(200);
    assertThat(stalled.body()).contains("\"error\"");
    Seen wholeStalled = chat("answer never comes, request deadline", request("minimax-m2.5", false),
        Map.of("x-meridian-timeout-ms", "600"));
    assertThat(wholeStalled.status()).isEqualTo(504);

    // A model without a fallback chain: the three regions time out, nothing else is tried.
    observeEverywhere("doubao-seed-lite");
    faultEverywhere("doubao-seed-lite", new JsonObject().put("addedLatencyMs", 60_000));
    Seen firstToken = chat("no first token in time", request("doubao-seed-lite", true),
        Map.of("x-meridian-first-token-timeout-ms", "150"));
    assertThat(firstToken.status()).isEqualTo(504);

    observeEverywhere("deepseek-v4-pro");
    fault("deepseek-v4-pro", "us-east", new JsonObject().put("addedLatencyMs", 20_000));
    Seen hedged = chat("hedged", request("deepseek-v4-pro", true), Map.of("x-meridian-hedge", "true"));
    assertThat(hedged.status()).isEqualTo(200);
    assertThat(hedged.header("x-meridian-hedge")).isEqualTo("hedge_won");
  }

  @Test
  void aClientThatLeavesMidStreamLeaksNothing() throws Exception {
    // A slow reasoning model (15 tokens/s); Qwen's slower one would 401 here (WRONG_KEY).
    observe("deepseek-r1", "us-east", 100);
    StringBuffer received = new StringBuffer();
    io.vertx.core.net.NetSocket socket =
        RawHttp.openStream(net, router.actualPort(), "/v1/chat/completions", chat("deepseek-r1", true).encode(), received)
            .await(10, TimeUnit.SECONDS);
    assertThat(received.toString()).startsWith("HTTP/1.1 200");
    await(socket.close());
    awaitCondition(Duration.ofSeconds(5), () -> lastExchange.get() != null);
    assertThat(lastExchange.get().outcome()).isEqualTo("client_gone");
    outputs.add(Map.entry("stream before the client left", received.toString()));
  }

  // ---------------------------------------------------------------------------------------------
  // A provider that echoes the key it was sent

  /**
   * Starts an HTTP server acting as every provider: it answers according to the first message's content
   * ({@code echo-400-full}, {@code echo-401}...) and puts the Authorization header it received into its
   * body and headers. Then a second router whose catalog points every provider at it.
   */
  int startEchoRouter() throws Exception {
    HttpServer echo = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String authorization = String.valueOf(request.getHeader("authorization"));
      String key = authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization;
      String mode;
      try {
        mode = body.toJsonObject().getJsonArray("messages").getJsonObject(0).getString("content");
      } catch (RuntimeException e) {
        mode = "echo-400-full";
      }
      HttpServerResponse response = request.response();
      String fullError = new JsonObject().put("error", new JsonObject()
          .put("message", "Incorrect API key provided: " + key + ". You sent 'Authorization: " + authorization + "'.")
          .put("type", "invalid_request_error").put("code", "invalid_api_key").put("key", key)).encode();
      response.putHeader("x-echo-key", key).putHeader("www-authenticate", "Bearer realm=\"" + key + "\"")
          .putHeader("content-type", "application/json");
      switch (mode) {
        case "echo-400-full" -> response.setStatusCode(400).end(fullError);
        case "echo-422-text" -> response.setStatusCode(422).putHeader("content-type", "text/plain")
            .end("unprocessable for key " + key + "\n" + authorization);
        case "echo-400-masked" -> response.setStatusCode(400).end(new JsonObject().put("error", new JsonObject()
            .put("message", "Incorrect API key provided: " + key.substring(0, 12) + "****************"
                + key.substring(key.length() - 4) + ". You can find your API key at https://example.com.")
            .put("type", "invalid_request_error").put("code", "invalid_api_key")).encode());
        case "echo-401" -> response.setStatusCode(401).end(fullError);
        case "echo-403" -> response.setStatusCode(403).end(fullError);
        case "echo-404" -> response.setStatusCode(404).end(fullError);
        case "echo-500" -> response.setStatusCode(500).end(fullError);
        case "echo-503" -> response.setStatusCode(503).putHeader("retry-after", key).end(fullError);
        case "echo-429" -> response.setStatusCode(429).putHeader("retry-after", key).end(fullError);
        case "echo-stream-error" -> response.setStatusCode(200).putHeader("content-type", "text/event-stream")
            .setChunked(true)
            .end("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
                + "data: " + fullError + "\n\n");
        default -> response.setStatusCode(500).end(fullError);
      }
    })).listen(0, "127.0.0.1"));
    echoRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RouterMetrics metrics = new RouterMetrics(echoRegistry, catalog);
    echoRouter =
        new RouterVerticle(
                SimulatedProviders.pointAt(CatalogLoader.loadDefault(), "127.0.0.1", echo.actualPort()),
                new RouterOptions().setRegion(REGION).setPort(0), health, POLICY, apiKeys(), () -> true,
                metrics::onExchange)
            .withMetrics(echoRegistry);
    await(vertx.deployVerticle(echoRouter));
    for (String model : ECHO_MODELS.values()) {
      observeEverywhere(model);
    }
    return echoRouter.actualPort();
  }

  /**
   * The model each echo mode is requested with: one model per mode, so no endpoint collects the five
   * failures that would open its breaker during the test. No fallback chains except deepseek-v4-flash's,
   * whose fallbacks answer the same way (the echo provider reads the mode from the body).
   */
  static final Map<String, String> ECHO_MODELS = Map.ofEntries(
      Map.entry("echo-400-full", "deepseek-v4-flash"),
      Map.entry("echo-422-text", "hunyuan-turbos"),
      Map.entry("echo-401", "glm-4-32b"),
      Map.entry("echo-403", "hunyuan-turbo"),
      Map.entry("echo-404", "minimax-m2.5"),
      Map.entry("echo-500", "doubao-seed-lite"),
      Map.entry("echo-503", "qwen3-8b"),
      Map.entry("echo-429", "step-3.5-flash"),
      Map.entry("echo-400-masked", "qwen3.5-27b"),
      Map.entry("echo-stream-error", "qwen3-32b"));

  Seen echo(int port, String mode, boolean stream) throws Exception {
    return chatOn(port, mode, request(ECHO_MODELS.get(mode), stream, mode), Map.of());
  }

  @Test
  void upstreamErrorsThatEchoTheWholeKeyAreRedactedOrDropped() throws Exception {
    int port = startEchoRouter();
    Seen relayed = echo(port, "echo-400-full", false);
    assertThat(relayed.status()).isEqualTo(400);
    assertThat(relayed.body()).contains("[REDACTED]");
    Seen text = echo(port, "echo-422-text", false);
    assertThat(text.status()).isEqualTo(422);
    assertThat(text.body()).contains("[REDACTED]");
    for (String mode : List.of("echo-401", "echo-403", "echo-404", "echo-500", "echo-503")) {
      Seen failed = echo(port, mode, mode.equals("echo-500"));
      assertThat(failed.status()).as(mode).isEqualTo(502);
    }
    Seen limited = echo(port, "echo-429", true);
    assertThat(limited.status()).isEqualTo(429);
  }

  /**
   * Providers commonly echo a masked key ("Incorrect API key provided: sk-abc********wxyz"). The redactor
   * masks only the exact whole key, so a relayed 4xx carries the first 12 characters through.
   */
  @Test
  void upstreamErrorsThatEchoAMaskedKeyLeakNoPartOfIt() throws Exception {
    int port = startEchoRouter();
    Seen relayed = echo(port, "echo-400-masked", false);
    assertThat(relayed.status()).isEqualTo(400);
  }

  /** An error event inside a 200 stream is provider data relayed chunk by chunk: it is not redacted. */
  @Test
  void anUpstreamErrorEventInsideAStreamLeaksNoKey() throws Exception {
    int port = startEchoRouter();
    Seen stream = echo(port, "echo-stream-error", true);
    assertThat(stream.status()).isEqualTo(200);
  }
}
