package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.openai.ChatRequestParser;
import dev.meridian.simulator.SimulatorOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Mutates valid chat requests at random (byte corruption, truncation, type changes of every field, huge
 * strings, deep nesting, invalid UTF-8, duplicate keys, non-standard number tokens, unicode edge cases,
 * hostile headers) and sends each through the router. Every reply must be a 200 (the mutation left a
 * valid request) or a well-formed 4xx in OpenAI's shape; never a 5xx (every endpoint is healthy and
 * fault-free here, so no 502/503/504 is justified), never a hang; and the router must stay healthy.
 *
 * <p>Knobs (system properties, passed through by Maven's {@code -D}):
 *
 * <ul>
 *   <li>{@code meridian.fuzz.cases} (default 300): how many mutated requests;
 *   <li>{@code meridian.fuzz.seed} (default: random, printed): replays a run;
 *   <li>{@code meridian.fuzz.case}: with a seed, sends only that case (printed on failure);
 *   <li>{@code meridian.fuzz.threads} (default 4): requests in flight at once;
 *   <li>{@code meridian.fuzz.strict=true}: cases matching an open, known bug ({@link #knownBug}) fail the run
 *       too (by default they are counted and printed);
 *   <li>{@code meridian.fuzz.slow=true}: also runs the 30 s slow-body (slowloris) check.
 * </ul>
 */
class FuzzTest extends RouterTestBase {
  static final int DEFAULT_CASES = 300;
  /** A reply slower than this is a hang: every endpoint answers at once (latency scale 0). */
  static final long REQUEST_TIMEOUT_MS = 10_000;
  static final long MAX_BODY = RouterOptions.DEFAULT_MAX_BODY_BYTES;
  static final List<String> REGIONS = List.of("us-east", "eu-west", "ap-southeast");
  static final String CHAT_PATH = "/v1/chat/completions";

  /** The router's parser allows C comments (Vert.x's Jackson setting); otherwise standard JSON. */
  static final JsonFactory ORACLE_JSON = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .build();

  /** Valid requests the mutations start from: every field Meridian reads, and some it passes through. */
  static final List<String> TEMPLATES = List.of(
      "{\"model\":\"qwen3-8b\",\"messages\":[{\"role\":\"user\",\"content\":\"Explain recursion in 200 words\"}]}",
      "{\"model\":\"deepseek-v4-flash\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":64,"
          + "\"temperature\":0.7,\"top_p\":0.9,\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
          + "{\"role\":\"user\",\"content\":\"Write a haiku about routers\"}]}",
      "{\"model\":\"auto\",\"max_completion_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
          + "\"text\":\"Summarise: ```int x = 1;```\"}]}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\","
          + "\"description\":\"find\",\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}},"
          + "\"required\":[\"q\"]}}}],\"tool_choice\":\"auto\",\"user\":\"fuzz\",\"metadata\":{\"k\":\"v\"}}",
      "{\"model\":\"budget\",\"stream\":true,\"n\":1,\"stop\":[\"\\n\\n\"],\"seed\":7,\"response_format\":{\"type\":\"text\"},"
          + "\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief\"},{\"role\":\"user\",\"content\":\"What is 2+2?\"},"
          + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
          + "\"function\":{\"name\":\"calc\",\"arguments\":\"{\\\"expr\\\":\\\"2+2\\\"}\"}}]},"
          + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"4\"},{\"role\":\"user\",\"content\":\"Thanks\"}]}",
      "{\"model\":\"glm-5\",\"messages\":[{\"role\":\"user\",\"content\":\"h\u00e9llo w\u00f6rld \u2014 \u4f60\u597d "
          + "\ud83c\udf0d \\u200b zero-width, \\u202e RTL, \\ud83d\\ude00 escaped\"}]}");

  @Override
  RouterOptions routerOptions() {
    // The production default (2 MiB), not the base class's 64 KiB: huge strings go up to it.
    return super.routerOptions().setMaxBodyBytes(MAX_BODY);
  }

  @Override
  SimulatorOptions simulatorOptions() {
    // Answers at once: the fuzz is about parsing and shapes, not timing.
    return super.simulatorOptions().setLatencyScale(0);
  }

  NetClient net;

  @BeforeEach
  void everyEndpointHealthy() {
    net = vertx.createNetClient();
    for (Endpoint endpoint : catalog.endpoints()) {
      observe(endpoint.model().id(), endpoint.region(), 100 + 50 * REGIONS.indexOf(endpoint.region()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The fuzz run

  @Test
  void mutatedRequestsGetA200OrAWellFormed4xxAndTheRouterStaysHealthy() throws Exception {
    int cases = Integer.getInteger("meridian.fuzz.cases", DEFAULT_CASES);
    long seed = Long.getLong("meridian.fuzz.seed", new Random().nextLong());
    Integer only = Integer.getInteger("meridian.fuzz.case");
    int threads = Math.max(1, Integer.getInteger("meridian.fuzz.threads", 4));
    System.out.printf("FuzzTest: seed=%d cases=%d threads=%d (replay: -Dmeridian.fuzz.seed=%d)%n",
        seed, cases, threads, seed);

    // Per-case seeds drawn up front: any case can be rebuilt alone from (seed, index).
    Random master = new Random(seed);
    long[] caseSeeds = new long[cases];
    for (int i = 0; i < cases; i++) {
      caseSeeds[i] = master.nextLong();
    }

    ListAppender<ILoggingEvent> errors = attachErrorCapture();
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> byMutation = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    boolean strict = Boolean.getBoolean("meridian.fuzz.strict");
    Map<String, String> knownBugs = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> knownCounts = new ConcurrentHashMap<>();
    AtomicInteger sent = new AtomicInteger();
    AtomicLong bytesSent = new AtomicLong();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int i = 0; i < cases; i++) {
        if (only != null && only != i) {
          continue;
        }
        int index = i;
        pool.submit(() -> {
          Case fuzzCase;
          try {
            fuzzCase = Case.build(index, caseSeeds[index]);
          } catch (RuntimeException e) {
            // A bug of this test, not of the router: reported all the same, never lost.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            failures.add("case " + index + ": the case generator failed (replay: -Dmeridian.fuzz.seed=" + seed
                + " -Dmeridian.fuzz.case=" + index + "): " + trace.toString().lines().limit(6).toList());
            sent.incrementAndGet();
            return null;
          }
          bytesSent.addAndGet(fuzzCase.body.length);
          String problem;
          Reply reply = null;
          try {
            reply = sendRaw(fuzzCase);
            problem = judge(fuzzCase, reply);
          } catch (RawHttp.Incomplete e) {
            problem = e.getMessage();
          } catch (Throwable e) {
            problem = "request failed: " + e;
          }
          String outcome = reply == null ? "none" : reply.status() + " " + errorCode(reply);
          outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
          byMutation.computeIfAbsent(fuzzCase.kinds(), k -> new AtomicInteger()).incrementAndGet();
          String known = problem == null ? null : knownBug(fuzzCase, reply);
          if (known != null && !strict) {
            String example = describe(seed, fuzzCase, reply, problem);
            knownBugs.putIfAbsent(known, example);
            knownCounts.computeIfAbsent(known, k -> new AtomicInteger()).incrementAndGet();
          } else if (problem != null) {
            failures.add(describe(seed, fuzzCase, reply, problem));
          }
          int done = sent.incrementAndGet();
          if (done % 50 == 0) {
            try {
              Reply healthz = http("GET", "/healthz", null, Map.of());
              if (healthz.status() != 200) {
                failures.add("GET /healthz answered " + healthz.status() + " after " + done + " cases");
              }
            } catch (Exception e) {
              failures.add("GET /healthz failed after " + done + " cases: " + e);
            }
          }
          return null;
        });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(Math.max(60, cases * REQUEST_TIMEOUT_MS / 1000), TimeUnit.SECONDS))
          .as("fuzz run finished").isTrue();
    } finally {
      pool.shutdownNow();
      detachErrorCapture(errors);
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    System.out.printf("FuzzTest: %d cases (%d MB) in %d ms, seed=%d%n  replies: %s%n  mutations: %s%n",
        sent.get(), bytesSent.get() >> 20, elapsedMs, seed, new TreeMap<>(counts(outcomes)),
        new TreeMap<>(counts(byMutation)));

    knownBugs.forEach((bug, example) -> System.out.printf("FuzzTest: KNOWN BUG %s hit %d times; first:%n%s%n",
        bug, knownCounts.get(bug).get(), example));

    assertStillHealthy();
    List<String> errorLogs = new ArrayList<>();
    synchronized (errors) {
      for (ILoggingEvent event : errors.list) {
        errorLogs.add(event.getLoggerName() + ": " + event.getFormattedMessage()
            + (event.getThrowableProxy() == null ? "" : " / " + event.getThrowableProxy().getClassName()
                + ": " + event.getThrowableProxy().getMessage()));
      }
    }
    List<String> reported = new ArrayList<>(failures);
    Collections.sort(reported);
    assertThat(reported)
        .as("fuzz seed=%d: %d of %d cases misbehaved; first ones:%n%s", seed, reported.size(), sent.get(),
            String.join("\n\n", reported.subList(0, Math.min(15, reported.size()))))
        .isEmpty();
    // Each 500 logs "unexpected failure" at ERROR: those of known bugs are expected, nothing else.
    int expectedErrorLogs = knownCounts.values().stream().mapToInt(AtomicInteger::get).sum();
    assertThat(errorLogs).as("ERROR logs during the fuzz run (seed=%d), %d expected from known bugs", seed,
        expectedErrorLogs).hasSizeLessThanOrEqualTo(expectedErrorLogs);
    assertThat(errorLogs).as("ERROR logs during the fuzz run (seed=%d)", seed)
        .allMatch(line -> line.contains("unexpected failure while handling a request"));
  }

  /**
   * Open bugs the fuzz finds again and again, each with its deterministic (disabled) regression test. A
   * case matching one is reported as known and does not fail the run, unless
   * {@code -Dmeridian.fuzz.strict=true}; delete the entry with the fix.
   */
  static String knownBug(Case fuzzCase, Reply reply) {
    if (reply == null || reply.status() != 500) {
      return null;
    }
    String contentType = String.valueOf(fuzzCase.contentType);
    if (contentType.startsWith("application/x-www-form-urlencoded") || contentType.startsWith("multipart/form-data")) {
      return "form-decoder-500 (formEncodedBodiesGetAnOpenAi4xxNotA500)";
    }
    if (Oracle.of(fuzzCase.body).root() instanceof Map<?, ?> root && root.get("messages") instanceof List<?> messages) {
      for (Object message : messages) {
        if (message instanceof Map<?, ?> m && m.get("content") instanceof List<?> parts) {
          for (Object part : parts) {
            if (part instanceof Map<?, ?> p && p.containsKey("type") && p.get("type") == null) {
              return "null-content-part-type-500 (aContentPartWithANullTypeIsNotA500)";
            }
          }
        }
      }
    }
    return null;
  }

  /** Null when the reply is acceptable for this case, else what is wrong with it. */
  static String judge(Case fuzzCase, Reply reply) {
    int status = reply.status();
    Oracle oracle = Oracle.of(fuzzCase.body);
    if (status >= 500) {
      return "5xx although every endpoint is healthy and fault-free";
    }
    if (status != 200 && (status < 400 || status > 499)) {
      return "status is neither 200 nor 4xx";
    }
    if (status != 200) {
      String shape = openAiErrorProblem(reply);
      if (shape != null) {
        return "4xx not in OpenAI error shape: " + shape;
      }
    }
    if (!fuzzCase.path.equals(CHAT_PATH)) {
      // Path variants may route elsewhere (404) or to the chat handler: only the shape is checked.
      return null;
    }
    boolean jsonContentType = fuzzCase.contentType == null || fuzzCase.contentType.startsWith("application/json");
    if (fuzzCase.body.length > MAX_BODY) {
      return status == 413 && "request_too_large".equals(errorCode(reply)) ? null : "body over the limit but not 413";
    }
    if (fuzzCase.control && status != 200) {
      return "an unmutated valid request was refused";
    }
    if (jsonContentType && !oracle.isObject && (status != 400 || !"invalid_json".equals(errorCode(reply)))) {
      return "not a JSON object (" + oracle.problem + ") but not a 400 invalid_json";
    }
    if (status == 200) {
      if (!oracle.isObject || !oracle.modelIsString || !oracle.messagesNonEmpty) {
        return "200 for a body that is not a chat request (" + oracle + ")";
      }
      String contentType = String.valueOf(reply.header("content-type"));
      String text = reply.body().toString();
      if (contentType.startsWith("text/event-stream")) {
        if (!text.endsWith("data: [DONE]\n\n") || text.contains("data: {\"error\"")) {
          return "a 200 stream that did not end with [DONE]";
        }
      } else if (contentType.startsWith("application/json")) {
        try {
          if (!(reply.json().getValue("choices") instanceof JsonArray)) {
            return "a 200 JSON body without choices";
          }
        } catch (RuntimeException e) {
          return "a 200 JSON body that does not parse";
        }
      } else {
        return "a 200 with content-type " + contentType;
      }
    }
    return null;
  }

  /** Null when the reply is {"error":{"message","type","code"}} with content-type application/json. */
  static String openAiErrorProblem(Reply reply) {
    String contentType = reply.header("content-type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      return "content-type " + contentType;
    }
    JsonObject json;
    try {
      json = reply.json();
    } catch (RuntimeException e) {
      return "body is not a JSON object";
    }
    if (!(json.getValue("error") instanceof JsonObject error)) {
      return "no error object";
    }
    for (String field : List.of("message", "type", "code")) {
      if (!(error.getValue(field) instanceof String value) || value.isBlank()) {
        return "error." + field + " missing or not a non-empty string";
      }
    }
    if (!error.containsKey("param")) {
      return "error.param missing";
    }
    return null;
  }

  static String errorCode(Reply reply) {
    try {
      Object error = reply.json().getValue("error");
      return error instanceof JsonObject e ? String.valueOf(e.getValue("code")) : "-";
    } catch (RuntimeException e) {
      return "-";
    }
  }

  /** Sends the case byte for byte over its own connection ({@link RawHttp}) and reads the reply off the wire. */
  Reply sendRaw(Case fuzzCase) throws Exception {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (fuzzCase.contentType != null) {
      headers.put("content-type", fuzzCase.contentType);
    }
    headers.putAll(fuzzCase.headers);
    return RawHttp.exchange(net, router.actualPort(), "POST", fuzzCase.path, headers, fuzzCase.body, REQUEST_TIMEOUT_MS)
        .reply();
  }

  Reply http(String method, String path, String body) throws Exception {
    return http(method, path, body, Map.of());
  }

  /** Any request over {@link RawHttp}; a JSON content type when there is a body and none is given. */
  Reply http(String method, String path, String body, Map<String, String> headers) throws Exception {
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    if (body != null && !all.containsKey("content-type")) {
      all.put("content-type", "application/json");
    }
    return RawHttp.exchange(net, router.actualPort(), method, path, all,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), REQUEST_TIMEOUT_MS).reply();
  }

  static String describe(long seed, Case fuzzCase, Reply reply, String problem) {
    StringBuilder text = new StringBuilder();
    text.append("case ").append(fuzzCase.index).append(" [").append(fuzzCase.kinds()).append("]: ").append(problem)
        .append("\n  replay: -Dmeridian.fuzz.seed=").append(seed).append(" -Dmeridian.fuzz.case=").append(fuzzCase.index)
        .append("\n  mutations: ").append(fuzzCase.description)
        .append("\n  request: POST ").append(fuzzCase.path).append(" content-type=").append(fuzzCase.contentType)
        .append(" headers=").append(fuzzCase.headers).append(" ").append(fuzzCase.body.length).append(" bytes: ")
        .append(printable(fuzzCase.body, 400));
    if (reply != null) {
      text.append("\n  reply: ").append(reply.status()).append(" ").append(reply.headers())
          .append(" ").append(printable(reply.body().getBytes(), 400));
    }
    return text.toString();
  }

  static String printable(byte[] bytes, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.length && out.length() < max; i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\\') {
        out.append((char) b);
      } else {
        out.append(String.format(Locale.ROOT, "\\x%02x", b));
      }
    }
    if (out.length() >= max) {
      out.append("...");
    }
    return out.toString();
  }

  static Map<String, Integer> counts(Map<String, AtomicInteger> counters) {
    Map<String, Integer> copy = new TreeMap<>();
    counters.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  void assertStillHealthy() throws Exception {
    assertThat(http("GET", "/healthz", null, Map.of()).status()).as("GET /healthz after the run").isEqualTo(200);
    assertThat(http("GET", "/readyz", null, Map.of()).status()).as("GET /readyz after the run").isEqualTo(200);
    for (String template : TEMPLATES) {
      Reply reply = http("POST", CHAT_PATH, template);
      assertThat(reply.status()).as("valid request after the run: %s -> %s", template, reply.body()).isEqualTo(200);
    }
    Reply metrics = http("GET", "/metrics", null, Map.of());
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body().toString()).contains("meridian_requests_total");
    assertBoundedLabels(metrics.body().toString());
  }

  /**
   * Thousands of random model names later, Meridian's metric labels still come only from the catalog
   * and fixed lists (docs/metrics.md): no client string became a label value.
   */
  void assertBoundedLabels(String metrics) {
    java.util.Set<String> allowed = new java.util.HashSet<>(List.of("auto", "other", "none", "unknown", ""));
    catalog.aliases().all().forEach(alias -> allowed.add(alias.pattern()));
    for (Endpoint endpoint : catalog.endpoints()) {
      allowed.add(endpoint.model().id());
      allowed.add(endpoint.provider().id());
      allowed.add(endpoint.region());
      allowed.add(endpoint.model().tier().id());
    }
    java.util.regex.Matcher label = java.util.regex.Pattern
        .compile("(?:^|[{,])(model|provider|region|tier)=\"([^\"]*)\"").matcher("");
    java.util.Set<String> foreign = new java.util.TreeSet<>();
    int matched = 0;
    for (String line : metrics.split("\n")) {
      if (!line.startsWith("meridian_")) {
        continue;
      }
      label.reset(line);
      while (label.find()) {
        matched++;
        if (!allowed.contains(label.group(2))) {
          foreign.add(label.group(1) + "=" + label.group(2));
        }
      }
    }
    assertThat(matched).as("labels checked").isPositive();
    assertThat(foreign).as("metric label values that are not catalog ids or fixed names").isEmpty();
  }

  static ListAppender<ILoggingEvent> attachErrorCapture() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.addFilter(new ch.qos.logback.core.filter.Filter<>() {
      @Override
      public ch.qos.logback.core.spi.FilterReply decide(ILoggingEvent event) {
        return event.getLevel().isGreaterOrEqual(Level.ERROR)
            ? ch.qos.logback.core.spi.FilterReply.NEUTRAL
            : ch.qos.logback.core.spi.FilterReply.DENY;
      }
    });
    appender.start();
    rootLogger().addAppender(appender);
    return appender;
  }

  static void detachErrorCapture(ListAppender<ILoggingEvent> appender) {
    rootLogger().detachAppender(appender);
    appender.stop();
  }

  static ch.qos.logback.classic.Logger rootLogger() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  // ---------------------------------------------------------------------------------------------
  // Deterministic edges the random run may miss

  @Test
  void bodyLimitIsExactAndLimitsAtTheEdgesHold() throws Exception {
    // Exactly at the limit: accepted (an unknown field pads it and passes through); one byte more: 413.
    String atLimit = padTo(TEMPLATES.get(0), MAX_BODY);
    assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize((int) MAX_BODY);
    Reply accepted = http("POST", CHAT_PATH, atLimit);
    assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(200);
    Reply over = http("POST", CHAT_PATH, padTo(TEMPLATES.get(0), MAX_BODY + 1));
    assertThat(over.status()).isEqualTo(413);
    assertThat(openAiErrorProblem(over)).isNull();

    JsonObject base = new JsonObject(TEMPLATES.get(0));
    JsonObject message = base.getJsonArray("messages").getJsonObject(0);
    assertEdge(base.copy().put("messages", repeat(message, ChatRequestParser.MAX_MESSAGES)), 200, null);
    assertEdge(base.copy().put("messages", repeat(message, ChatRequestParser.MAX_MESSAGES + 1)), 400, "too_many_messages");
    assertEdge(base.copy().put("max_tokens", ChatRequestParser.MAX_OUTPUT_TOKENS - 100), 200, null);
    assertEdge(base.copy().put("max_tokens", ChatRequestParser.MAX_OUTPUT_TOKENS + 1), 400, "invalid_value");
    assertEdge(base.copy().put("max_completion_tokens", 0), 400, "invalid_value");
    // Depth: the body is level 1, "x" holds arrays from level 2 on. 32 levels with an empty innermost
    // array pass, 33 do not (a scalar leaf at level 32: see nestingLimitCountsContainersNotScalarLeaves).
    assertEdge(raw(base, emptyNested(ChatRequestParser.MAX_NESTING_DEPTH - 1)), 200, null);
    assertEdge(raw(base, emptyNested(ChatRequestParser.MAX_NESTING_DEPTH)), 400, "nesting_too_deep");
    assertEdge(raw(base, nested(ChatRequestParser.MAX_NESTING_DEPTH - 2)), 200, null);
    assertEdge(raw(base, nested(ChatRequestParser.MAX_NESTING_DEPTH)), 400, "nesting_too_deep");
    assertEdge(raw(base, nested(5_000)), 400, "invalid_json"); // Jackson's own cap (1000) answers first
    assertEdge(raw(base, "NaN"), 400, "invalid_json");
    assertEdge(raw(base, "1e400"), 200, null); // a legal JSON number, passed through
  }

  /**
   * 32 levels of containers (the body plus 31 arrays) are within the documented limit of 32 whatever
   * the innermost array holds; today a scalar in the innermost array is counted as a 33rd level.
   */
  @Test
  void nestingLimitCountsContainersNotScalarLeaves() throws Exception {
    JsonObject base = new JsonObject(TEMPLATES.get(0));
    assertEdge(raw(base, emptyNested(ChatRequestParser.MAX_NESTING_DEPTH - 1)), 200, null);
    assertEdge(raw(base, nested(ChatRequestParser.MAX_NESTING_DEPTH - 1)), 200, null);
    assertEdge(raw(base, "{\"a\":".repeat(ChatRequestParser.MAX_NESTING_DEPTH - 1) + "1"
        + "}".repeat(ChatRequestParser.MAX_NESTING_DEPTH - 1)), 200, null);
  }

  /**
   * A form content type makes Vert.x run Netty's form decoder over the body; its size limits throw, and
   * the router's failure handler turns what it does not know into a 500 (and an ERROR log with a stack
   * trace per request).
   */
  @Test
  void formEncodedBodiesGetAnOpenAi4xxNotA500() throws Exception {
    String json = new JsonObject(TEMPLATES.get(0)).put("x", "p".repeat(10_000)).encode();
    for (String contentType : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz")) {
      for (String body : List.of(json, "a=" + json, "a=" + "b".repeat(20_000))) {
        Reply reply = http("POST", CHAT_PATH, body, Map.of("content-type", contentType));
        assertThat(reply.status()).as("%s, %d bytes -> %s", contentType, body.length(), reply.body()).isBetween(400, 499);
        assertThat(openAiErrorProblem(reply)).isNull();
      }
    }
  }

  /** Meridian reads content parts to profile the request; a part whose type is JSON null breaks it. */
  @Test
  void aContentPartWithANullTypeIsNotA500() throws Exception {
    for (String model : List.of("qwen3-8b", "auto")) {
      Reply reply = http("POST", CHAT_PATH, "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
          + "\"content\":[{\"type\":null,\"text\":\"hi\"}]}]}");
      assertThat(reply.status()).as("%s -> %s", model, reply.body()).isIn(200, 400);
      if (reply.status() == 400) {
        assertThat(openAiErrorProblem(reply)).isNull();
      }
    }
  }

  private static String emptyNested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static String padTo(String template, long size) {
    String prefix = template.substring(0, template.length() - 1) + ",\"x\":\"";
    String suffix = "\"}";
    int pad = (int) (size - prefix.getBytes(StandardCharsets.UTF_8).length - suffix.length());
    return prefix + "p".repeat(pad) + suffix;
  }

  private static JsonArray repeat(JsonObject message, int n) {
    JsonArray messages = new JsonArray();
    for (int i = 0; i < n; i++) {
      messages.add(message.copy());
    }
    return messages;
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "1" + "]".repeat(depth);
  }

  private static String raw(JsonObject base, String token) {
    String encoded = base.copy().put("x", "@@RAW@@").encode();
    return encoded.replace("\"@@RAW@@\"", token);
  }

  private void assertEdge(Object body, int status, String code) throws Exception {
    String text = body instanceof JsonObject json ? json.encode() : (String) body;
    Reply reply = http("POST", CHAT_PATH, text);
    assertThat(reply.status()).as("%s -> %s", text.length() > 200 ? text.substring(0, 200) : text, reply.body())
        .isEqualTo(status);
    if (code != null) {
      assertThat(openAiErrorProblem(reply)).isNull();
      assertThat(errorCode(reply)).isEqualTo(code);
    }
  }

  @Test
  void oversizedHeadersAndRequestLinesAreRefusedAndTheRouterKeepsServing() throws Exception {
    // One header of 17 KiB, many headers adding up past 16 KiB, a 5 KiB request line.
    Reply bigHeader = http("POST", CHAT_PATH, TEMPLATES.get(0),
        Map.of("x-pad", "a".repeat(17 * 1024)));
    assertThat(bigHeader.status()).isEqualTo(431);
    // Refused by Vert.x's HTTP decoder before any handler runs: an empty body, not the OpenAI shape.
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i < 40; i++) {
      many.put("x-pad-" + i, "b".repeat(500));
    }
    assertThat(http("POST", CHAT_PATH, TEMPLATES.get(0), many).status())
        .isEqualTo(431);
    Reply longLine = http("GET", "/v1/models?q=" + "c".repeat(5 * 1024), null, Map.of());
    assertThat(longLine.status()).isEqualTo(414);
    // Just under the limits still works.
    assertThat(http("POST", CHAT_PATH, TEMPLATES.get(0),
        Map.of("x-pad", "a".repeat(12 * 1024))).status()).isEqualTo(200);
    assertStillHealthy();
  }

  @Test
  void oddPathsMethodsAndContentTypesGetOpenAiErrors() throws Exception {
    for (String path : List.of("/v1/chat/completion", "/v1/chat/completions/x", "/V1/chat/completions",
        "/v1/../v1/nothing", "/v1/chat%2Fcompletions", "/%ff%fe", "/v1/chat/completions/..%2f..%2fadmin/stats",
        "/admin/faults", "/admin/stats")) {
      Reply reply = http("POST", path, TEMPLATES.get(0), Map.of());
      assertThat(reply.status()).as(path).isBetween(400, 499);
      assertThat(openAiErrorProblem(reply)).as(path).isNull();
    }
    // A compressed body is not decompressed (no decompression bombs): its bytes are not JSON.
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
      gzip.write(TEMPLATES.get(0).getBytes(StandardCharsets.UTF_8));
    }
    Reply gzipped = RawHttp.exchange(net, router.actualPort(), "POST", CHAT_PATH,
        Map.of("content-type", "application/json", "content-encoding", "gzip"), zipped.toByteArray(), REQUEST_TIMEOUT_MS)
        .reply();
    assertThat(gzipped.status()).isEqualTo(400);
    assertThat(errorCode(gzipped)).isEqualTo("invalid_json");
    for (HttpMethod method : List.of(HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.GET)) {
      Reply reply = http(method.name(), CHAT_PATH, TEMPLATES.get(0), Map.of());
      assertThat(reply.status()).as(method.name()).isEqualTo(405);
      assertThat(openAiErrorProblem(reply)).isNull();
    }
    assertStillHealthy();
  }

  /**
   * A client that hangs up halfway through its body is ordinary (a cancelled upload); it must not log an
   * ERROR with a stack trace, nor count against availability as an upstream error.
   */
  @Test
  void aClientHangingUpMidBodyIsNeitherAnErrorLogNorAnUpstreamError() throws Exception {
    ListAppender<ILoggingEvent> errors = attachErrorCapture();
    try {
      NetSocket socket = await(net.connect(router.actualPort(), "127.0.0.1"));
      await(socket.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
          + "content-length: 1000\r\n\r\n{\"model\":\"qwen3-8b\","));
      await(socket.close());
      // Absence cannot be awaited: give the router up to 2 s to react either way.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < deadline && lastExchange.get() == null) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      synchronized (errors) {
        assertThat(errors.list).as("ERROR logs for a client that hung up").isEmpty();
      }
      if (lastExchange.get() != null) {
        assertThat(lastExchange.get().outcome()).isNotEqualTo("upstream_error");
      }
      assertStillHealthy();
    } finally {
      detachErrorCapture(errors);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The oracle: an independent reading of the body (standard JSON plus C comments, as Vert.x parses)

  /** What a body is, read without Meridian's code: JSON object or not, model and messages present. */
  record Oracle(boolean isObject, boolean modelIsString, boolean messagesNonEmpty, String problem, Object root) {
    Oracle(boolean isObject, boolean modelIsString, boolean messagesNonEmpty, String problem) {
      this(isObject, modelIsString, messagesNonEmpty, problem, null);
    }

    static Oracle of(byte[] body) {
      // The router reads the body as UTF-8 with replacement of malformed input; so does this.
      String text = new String(body, StandardCharsets.UTF_8);
      try (JsonParser parser = ORACLE_JSON.createParser(text)) {
        JsonToken first = parser.nextToken();
        if (first == null) {
          return new Oracle(false, false, false, "empty");
        }
        Object root = read(parser, first);
        if (parser.nextToken() != null) {
          return new Oracle(false, false, false, "trailing tokens");
        }
        if (!(root instanceof Map<?, ?> object)) {
          return new Oracle(false, false, false, "root is " + first);
        }
        return new Oracle(
            true,
            object.get("model") instanceof String model && !model.isBlank(),
            object.get("messages") instanceof List<?> messages && !messages.isEmpty(),
            null,
            root);
      } catch (Exception e) {
        return new Oracle(false, false, false, e.getClass().getSimpleName());
      }
    }

    /** A plain tree of the value starting at {@code token}; duplicate keys: the last one wins. */
    private static Object read(JsonParser parser, JsonToken token) throws java.io.IOException {
      switch (token) {
        case START_OBJECT -> {
          Map<String, Object> object = new java.util.HashMap<>();
          for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String name = parser.currentName();
            object.put(name, read(parser, parser.nextToken()));
          }
          return object;
        }
        case START_ARRAY -> {
          List<Object> array = new ArrayList<>();
          for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            array.add(read(parser, t));
          }
          return array;
        }
        case VALUE_STRING -> {
          return parser.getText();
        }
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
          return parser.getNumberValue();
        }
        case VALUE_TRUE, VALUE_FALSE -> {
          return token == JsonToken.VALUE_TRUE;
        }
        case VALUE_NULL -> {
          return null;
        }
        default -> throw new java.io.IOException("unexpected " + token);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Case generation

  /** One mutated request, rebuilt identically from its seed. */
  static final class Case {
    final int index;
    final boolean control;
    byte[] body;
    String path = CHAT_PATH;
    String contentType = "application/json";
    final Map<String, String> headers = new TreeMap<>();
    final List<String> kinds = new ArrayList<>();
    final StringBuilder description = new StringBuilder();

    private Case(int index, boolean control) {
      this.index = index;
      this.control = control;
    }

    String kinds() {
      return kinds.isEmpty() ? "control" : String.join("+", kinds);
    }

    static Case build(int index, long seed) {
      Random random = new Random(seed);
      String template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
      // Every 20th case is a template as is: the oracle's "valid means 200" check on known ground.
      Case fuzzCase = new Case(index, index % 20 == 0);
      if (fuzzCase.control) {
        fuzzCase.body = template.getBytes(StandardCharsets.UTF_8);
        return fuzzCase;
      }
      Mutator mutator = new Mutator(random, fuzzCase);
      double stack = random.nextDouble();
      int mutations = stack < 0.7 ? 1 : stack < 0.9 ? 2 : 3;
      // Tree mutations first (they need a parseable body), byte mutations after.
      JsonObject tree = new JsonObject(template);
      Map<String, String> raws = new TreeMap<>();
      int byteMutations = 0;
      for (int m = 0; m < mutations; m++) {
        if (random.nextDouble() < 0.55) {
          mutator.mutateTree(tree, raws);
        } else {
          byteMutations++;
        }
      }
      String text = tree.encode();
      for (Map.Entry<String, String> member : mutator.members.entrySet()) {
        text = text.replace(member.getKey(), member.getValue());
      }
      for (Map.Entry<String, String> raw : raws.entrySet()) {
        text = text.replace("\"" + raw.getKey() + "\"", raw.getValue());
      }
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      for (int m = 0; m < byteMutations; m++) {
        bytes = mutator.mutateBytes(bytes);
      }
      fuzzCase.body = bytes;
      if (random.nextDouble() < 0.12) {
        mutator.mutateHeaders();
      }
      return fuzzCase;
    }

    void note(String kind, String detail) {
      kinds.add(kind);
      if (description.length() > 0) {
        description.append("; ");
      }
      description.append(kind).append(": ").append(detail.length() > 160 ? detail.substring(0, 160) + "..." : detail);
    }
  }

  /** The mutation operators. */
  static final class Mutator {
    static final String[] EDGE_STRINGS = {
      "", " ", "\u0000", "\uFEFF", "\uFFFE", "\uFFFF", "\uDBFF\uDFFF", "\uD83D\uDE00\u200D\uD83D\uDCBB",
      "a\u0301\u0301\u0301", "\u202Eevil\u202C", "\u2028\u2029", "\r\n\r\n", "\t", "null", "true", "0",
      "NaN", "[]", "{}", "\"", "\\", "</script><script>alert(1)</script>", "${jndi:ldap://x/a}", "%s%n%x",
      "' OR 1=1 --", "../../../../etc/passwd", "\u0130\u0131", "\u00DF".repeat(10), "\uD800", "\uDFFF\uD800",
      "user", "assistant", "auto", "glm-5", "premium", "gpt-9",
    };
    static final String[] RAW_TOKENS = {
      "NaN", "-NaN", "Infinity", "-Infinity", "+1", "01", "1e400", "-1e400", "1e-400", "0x10", ".5", "5.",
      "1_000", "-0", "-0.0", "1E+2", "123456789012345678901234567890", "9223372036854775808", "2147483648",
      "true1", "nul", "undefined", "'single'", "\"unterminated", "\"bad \\x41 escape\"", "\"\\u12\"",
      "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"\\uffff\"", "\"tab\there\"", "[1,]", "{\"a\":1,}",
      "[,1]", "{,}", "/* comment */ 1", "1 // comment\n", "\"a\" \"b\"", "{\"a\"}", "{1:2}", "[[[]]]",
    };
    static final byte[][] INVALID_UTF8 = {
      {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xC3, 0x28}, {(byte) 0xA0, (byte) 0xA1}, {(byte) 0xE2, 0x28, (byte) 0xA1},
      {(byte) 0xE2, (byte) 0x82, 0x28}, {(byte) 0xF0, 0x28, (byte) 0x8C, (byte) 0xBC},
      {(byte) 0xF0, (byte) 0x90, 0x28, (byte) 0xBC}, {(byte) 0xF8, (byte) 0xA1, (byte) 0xA1, (byte) 0xA1, (byte) 0xA1},
      {(byte) 0xFC, (byte) 0xA1, (byte) 0xA1, (byte) 0xA1, (byte) 0xA1, (byte) 0xA1}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, {(byte) 0xFE}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {0x00}, {0x7F},
    };
    static final String INSERT_CHARS = "{}[]\",:\\ \n\t0123456789-+.eEtrufalsn/*'";

    final Random random;
    final Case fuzzCase;

    Mutator(Random random, Case fuzzCase) {
      this.random = random;
      this.fuzzCase = fuzzCase;
    }

    // --- tree mutations ---

    /** A place holding a value: a field of an object or an element of an array. */
    record Slot(Object container, Object key, String path) {
      Object get() {
        return container instanceof JsonObject o ? o.getValue((String) key) : ((JsonArray) container).getValue((Integer) key);
      }

      void set(Object value) {
        if (container instanceof JsonObject o) {
          o.put((String) key, value);
        } else {
          ((JsonArray) container).set((Integer) key, value);
        }
      }
    }

    static void collect(Object value, String path, List<Slot> slots, List<JsonObject> objects) {
      if (value instanceof JsonObject object) {
        objects.add(object);
        for (String field : new ArrayList<>(object.fieldNames())) {
          String child = path + "." + field;
          slots.add(new Slot(object, field, child));
          collect(object.getValue(field), child, slots, objects);
        }
      } else if (value instanceof JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
          String child = path + "[" + i + "]";
          slots.add(new Slot(array, i, child));
          collect(array.getValue(i), child, slots, objects);
        }
      }
    }

    void mutateTree(JsonObject tree, Map<String, String> raws) {
      List<Slot> slots = new ArrayList<>();
      List<JsonObject> objects = new ArrayList<>();
      collect(tree, "$", slots, objects);
      int choice = random.nextInt(100);
      Slot slot = slots.isEmpty() ? null : slots.get(random.nextInt(slots.size()));
      if (slot == null || choice < 30) {
        // Type change of a field or element.
        if (slot == null) {
          tree.put("model", randomValue());
          fuzzCase.note("type", "$.model");
          return;
        }
        Object value = randomValueOtherThan(slot.get());
        slot.set(value);
        fuzzCase.note("type", slot.path + " = " + summary(value));
      } else if (choice < 40) {
        JsonObject object = objects.get(random.nextInt(objects.size()));
        if (object.isEmpty()) {
          object.put("x", randomValue());
          fuzzCase.note("add", "x");
          return;
        }
        List<String> fields = new ArrayList<>(object.fieldNames());
        String field = fields.get(random.nextInt(fields.size()));
        object.remove(field);
        fuzzCase.note("remove", field);
      } else if (choice < 48) {
        JsonObject object = objects.get(random.nextInt(objects.size()));
        String field = random.nextBoolean() ? "x_unknown_" + random.nextInt(1000) : pick(EDGE_STRINGS);
        Object value = randomValue();
        object.put(field, value);
        fuzzCase.note("add", printableString(field) + " = " + summary(value));
      } else if (choice < 58) {
        hugeString(tree, slot);
      } else if (choice < 66) {
        int depth = pickInt(new int[] {30, 31, 32, 33, 64, 500, 999, 1000, 1001, 5_000, 100_000});
        boolean arrays = random.nextBoolean();
        String token = arrays ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        String key = "@@RAW" + raws.size() + "@@";
        raws.put(key, token);
        slot.set(key);
        fuzzCase.note("deep", slot.path + " = " + (arrays ? "arrays" : "objects") + " x" + depth);
      } else if (choice < 76) {
        String token = pick(RAW_TOKENS);
        String key = "@@RAW" + raws.size() + "@@";
        raws.put(key, token);
        slot.set(key);
        fuzzCase.note("token", slot.path + " = " + printableString(token));
      } else if (choice < 84) {
        String value = pick(EDGE_STRINGS);
        if (random.nextBoolean()) {
          value = "prefix " + value + " suffix";
        }
        slot.set(value);
        fuzzCase.note("unicode", slot.path + " = " + printableString(value));
      } else if (choice < 92) {
        messagesEdge(tree);
      } else {
        // Duplicate keys: a marker member is placed first or last, then replaced by the duplicate as text.
        String field = pick(new String[] {"model", "messages", "stream", "max_tokens", "stream_options"});
        Object value = randomValue();
        boolean first = random.nextBoolean();
        String marker = "@@DUP" + members.size() + "@@";
        if (first) {
          JsonObject rebuilt = new JsonObject().put(marker, 0);
          tree.forEach(e -> rebuilt.put(e.getKey(), e.getValue()));
          tree.clear();
          rebuilt.forEach(e -> tree.put(e.getKey(), e.getValue()));
        } else {
          tree.put(marker, 0);
        }
        members.put("\"" + marker + "\":0", "\"" + field + "\":" + Json.encode(value));
        fuzzCase.note("duplicate", (first ? "first " : "last ") + field + " = " + summary(value));
      }
    }

    /** Duplicate members to splice in as text: {@code "marker":0} -> {@code "field":value}. */
    final Map<String, String> members = new TreeMap<>();

    void hugeString(JsonObject tree, Slot slot) {
      long current = tree.encode().getBytes(StandardCharsets.UTF_8).length;
      long room = MAX_BODY - current - 32;
      long length;
      double where = random.nextDouble();
      if (where < 0.15) {
        length = room + 1 + random.nextInt(4096); // just over the limit: a 413
      } else if (where < 0.45) {
        length = Math.max(1, room - random.nextInt(512)); // a bit under the limit
      } else {
        length = (long) Math.exp(Math.log(1024) + random.nextDouble() * (Math.log(Math.max(2048, room)) - Math.log(1024)));
      }
      String unit = pick(new String[] {"x", "\u00e9", "\u4f60", "\ud83c\udf0d", "\\", "\"", "\n"});
      int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length + (unit.equals("\\") || unit.equals("\"") || unit.equals("\n") ? 1 : 0);
      String value = unit.repeat((int) Math.max(1, length / unitBytes));
      boolean content = random.nextBoolean();
      String where2;
      if (content && tree.getValue("messages") instanceof JsonArray messages && !messages.isEmpty()
          && messages.getValue(0) instanceof JsonObject message) {
        message.put("content", value);
        where2 = "$.messages[0].content";
      } else if (slot != null && random.nextBoolean()) {
        slot.set(value);
        where2 = slot.path;
      } else {
        tree.put("x_huge", value);
        where2 = "$.x_huge";
      }
      fuzzCase.note("huge", where2 + " = " + printableString(unit) + " x" + value.length() / unit.length());
    }

    void messagesEdge(JsonObject tree) {
      JsonArray messages = tree.getValue("messages") instanceof JsonArray a ? a : new JsonArray();
      JsonObject sample = !messages.isEmpty() && messages.getValue(0) instanceof JsonObject m
          && m.encode().length() < 1024 ? m : new JsonObject().put("role", "user").put("content", "hi");
      int choice = random.nextInt(9);
      String what;
      switch (choice) {
        case 0 -> { tree.put("messages", new JsonArray()); what = "[]"; }
        case 1 -> { tree.put("messages", repeat(sample, ChatRequestParser.MAX_MESSAGES)); what = "x2048"; }
        case 2 -> { tree.put("messages", repeat(sample, ChatRequestParser.MAX_MESSAGES + 1)); what = "x2049"; }
        case 3 -> { tree.put("messages", repeat(new JsonObject().put("role", "user").put("content", ""), 1 + random.nextInt(20_000))); what = "many empty"; }
        case 4 -> { tree.put("messages", new JsonArray().add(new JsonObject())); what = "[{}]"; }
        case 5 -> { tree.put("messages", new JsonArray().addNull()); what = "[null]"; }
        case 6 -> {
          tree.put("messages", new JsonArray().add(new JsonObject().put("role", pick(new String[] {"USER", "user ", "", "system\u0000", "robot", "tool"})).put("content", "x")));
          what = "odd role";
        }
        case 7 -> {
          tree.put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
              .add(new JsonObject().put("type", pick(new String[] {"text", "image_url", "input_audio", "", "x"})).put("text", randomValue()))
              .add(randomValue()))));
          what = "odd content parts";
        }
        default -> {
          tree.put("messages", new JsonArray().add(new JsonObject().put("role", "assistant").putNull("content")
              .put("tool_calls", randomValue())));
          what = "assistant without content";
        }
      }
      fuzzCase.note("messages", what);
    }

    // --- byte mutations ---

    byte[] mutateBytes(byte[] bytes) {
      int choice = random.nextInt(100);
      if (choice < 15) {
        int at = random.nextInt(bytes.length + 1);
        fuzzCase.note("truncate", "at " + at + " of " + bytes.length);
        return java.util.Arrays.copyOf(bytes, at);
      }
      if (choice < 30) {
        byte[] out = bytes.clone();
        int flips = 1 + random.nextInt(8);
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < flips && out.length > 0; i++) {
          int at = random.nextInt(out.length);
          out[at] ^= (byte) (random.nextBoolean() ? 1 << random.nextInt(8) : random.nextInt(256));
          where.append(at).append(' ');
        }
        fuzzCase.note("flip", where.toString().trim());
        return out;
      }
      if (choice < 42) {
        if (bytes.length == 0) {
          return bytes;
        }
        int at = random.nextInt(bytes.length);
        int length = Math.min(bytes.length - at, 1 + random.nextInt(16));
        fuzzCase.note("delete", length + " at " + at);
        return splice(bytes, at, length, new byte[0]);
      }
      if (choice < 57) {
        int at = random.nextInt(bytes.length + 1);
        byte[] insert = new byte[1 + random.nextInt(16)];
        for (int i = 0; i < insert.length; i++) {
          insert[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : (byte) INSERT_CHARS.charAt(random.nextInt(INSERT_CHARS.length()));
        }
        fuzzCase.note("insert", printable(insert, 80) + " at " + at);
        return splice(bytes, at, 0, insert);
      }
      if (choice < 75) {
        // Invalid UTF-8 inside a string value (the JSON stays well-formed), or anywhere.
        byte[] sequence = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
        int at = insideAString(bytes);
        fuzzCase.note("utf8", printable(sequence, 40) + (at >= 0 ? " in a string at " + at : " at random"));
        return splice(bytes, at >= 0 ? at : random.nextInt(bytes.length + 1), 0, sequence);
      }
      if (choice < 85) {
        if (bytes.length == 0) {
          return bytes;
        }
        int from = random.nextInt(bytes.length);
        int length = Math.min(bytes.length - from, 1 + random.nextInt(64));
        int at = random.nextInt(bytes.length + 1);
        fuzzCase.note("duplicate-span", length + " bytes from " + from + " to " + at);
        return splice(bytes, at, 0, java.util.Arrays.copyOfRange(bytes, from, from + length));
      }
      String[] prefixes = {"\uFEFF", " \n\t", "/* c */", "// c\n", "", ""};
      String[] suffixes = {"", "}", "x", "{}", "\u0000", " // c", "/* unterminated", "\n\n", ",", "]"};
      String prefix = prefixes[random.nextInt(prefixes.length)];
      String suffix = suffixes[random.nextInt(suffixes.length)];
      fuzzCase.note("wrap", printableString(prefix) + " ... " + printableString(suffix));
      byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
      byte[] s = suffix.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[p.length + bytes.length + s.length];
      System.arraycopy(p, 0, out, 0, p.length);
      System.arraycopy(bytes, 0, out, p.length, bytes.length);
      System.arraycopy(s, 0, out, p.length + bytes.length, s.length);
      return out;
    }

    /** An offset just after the opening quote of a string value ("content":"|...), or -1. */
    int insideAString(byte[] bytes) {
      List<Integer> starts = new ArrayList<>();
      for (int i = 1; i < bytes.length; i++) {
        if (bytes[i] == '"' && bytes[i - 1] == ':') {
          starts.add(i + 1);
        }
      }
      return starts.isEmpty() ? -1 : starts.get(random.nextInt(starts.size()));
    }

    static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
      byte[] out = new byte[bytes.length - remove + insert.length];
      System.arraycopy(bytes, 0, out, 0, at);
      System.arraycopy(insert, 0, out, at, insert.length);
      System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
      return out;
    }

    // --- headers, paths and content types ---

    void mutateHeaders() {
      int choice = random.nextInt(10);
      String[] junk = {"", "-1", "0", "abc", "1e3", " 5000 ", "99999999999999999999", "300000", "NaN", "\u00e9",
          "latency,cost", "true", "TRUE", "yes", "us-east,,", ",", "mars", "deepseek,qwen"};
      String[] names = {"x-meridian-timeout-ms", "x-meridian-first-token-timeout-ms", "x-meridian-idle-timeout-ms",
          "x-meridian-objective", "x-meridian-max-price", "x-meridian-only-provider", "x-meridian-exclude-provider",
          "x-meridian-only-region", "x-meridian-exclude-region", "x-meridian-hedge", "x-request-id"};
      if (choice < 7) {
        String name = pick(names);
        String value = pick(junk);
        fuzzCase.headers.put(name, value);
        fuzzCase.note("header", name + ": " + printableString(value));
      } else if (choice < 9) {
        fuzzCase.contentType = pick(new String[] {null, "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz", "application/json; charset=iso-8859-1", "application/json; charset=utf-16",
            "application/octet-stream", "*/*"});
        fuzzCase.note("content-type", String.valueOf(fuzzCase.contentType));
      } else {
        fuzzCase.path = pick(new String[] {"/v1/chat/completions/", "/v1/chat/completions?x=1&x=2", "/v1//chat/completions",
            "/v1/chat/./completions", "/v1/chat/completions#frag", "/v1/chat/completions;jsessionid=1"});
        fuzzCase.note("path", fuzzCase.path);
      }
    }

    // --- values ---

    /** A fresh, mutable value (later mutations may change it in place). */
    Object randomValue() {
      Object value = anyValue();
      return value instanceof JsonObject o ? o.copy() : value instanceof JsonArray a ? a.copy() : value;
    }

    private Object anyValue() {
      return switch (random.nextInt(7)) {
        case 0 -> pick(EDGE_STRINGS);
        case 1 -> pick(new Object[] {0, -1, 1, 2, 1.5, -0.5, 1e308, -1e308, 4.9e-324, Integer.MAX_VALUE,
            (long) Integer.MAX_VALUE + 1, Long.MAX_VALUE, Long.MIN_VALUE, new java.math.BigInteger("123456789012345678901234567890"),
            131072, 131073, 4096});
        case 2 -> new JsonArray(pick(new Object[] {List.of(), List.of(1, "a"), java.util.Arrays.asList((Object) null),
            List.of(Map.of("role", "user", "content", "x"))}) instanceof List<?> l ? new ArrayList<>(l) : List.of());
        case 3 -> new JsonObject(new java.util.LinkedHashMap<>(pick(new Object[] {Map.of(), Map.of("a", 1),
            Map.of("role", "user", "content", "hi"), Map.of("include_usage", "yes")}) instanceof Map<?, ?> m
            ? castMap(m) : Map.of()));
        case 4 -> null;
        case 5 -> random.nextBoolean();
        default -> "s" + random.nextInt(1_000_000);
      };
    }

    Object randomValueOtherThan(Object current) {
      for (int i = 0; i < 10; i++) {
        Object value = randomValue();
        if (typeOf(value) != typeOf(current)) {
          return value;
        }
      }
      return current == null ? "x" : null;
    }

    static int typeOf(Object value) {
      if (value == null) return 0;
      if (value instanceof String) return 1;
      if (value instanceof Number) return 2;
      if (value instanceof Boolean) return 3;
      if (value instanceof JsonArray || value instanceof List) return 4;
      return 5;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Map<?, ?> map) {
      return (Map<String, Object>) map;
    }

    String pick(String[] values) {
      return values[random.nextInt(values.length)];
    }

    Object pick(Object[] values) {
      return values[random.nextInt(values.length)];
    }

    int pickInt(int[] values) {
      return values[random.nextInt(values.length)];
    }

    static String summary(Object value) {
      String text = value == null ? "null" : value instanceof String s ? "\"" + printableString(s) + "\"" : Json.encode(value);
      return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    static String printableString(String text) {
      return printable(text.getBytes(StandardCharsets.UTF_8), 80);
    }
  }
}
