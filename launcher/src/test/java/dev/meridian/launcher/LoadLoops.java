package dev.meridian.launcher;

import static dev.meridian.launcher.NodeTestSupport.awaitCondition;

import dev.meridian.core.openai.MeridianHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Closed-loop client traffic for the resilience tests: each loop sends one chat completion, records
 * what came back, and sends the next as soon as the previous one has ended. Everything is asynchronous
 * on the client's Vert.x, so eight loops need no threads of their own.
 *
 * <p>A request counts as failed when the client could see it: any status but 200, a connection or
 * protocol error, a non-streamed body that is not a {@code chat.completion}, or a stream that does not
 * end with {@code data: [DONE]} (a mid-stream SSE error event counts as failed).
 */
final class LoadLoops {
  /** Times are {@link System#nanoTime()} values, comparable with {@link #now()}. */
  record Sample(
      String target,
      boolean stream,
      long startNanos,
      long endNanos,
      int status,
      String region,
      int attempts,
      String failure) {
    boolean ok() {
      return failure == null;
    }

    double latencyMs() {
      return (endNanos - startNanos) / 1_000_000.0;
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** {@code client} must belong to {@code vertx}: loops are started on its contexts (see {@link TestHttp}). */
  LoadLoops(Vertx vertx, HttpClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  LoadLoops(TestHttp http) {
    this(http.vertx, http.client);
  }

  static long now() {
    return System.nanoTime();
  }

  /**
   * Starts {@code loops} loops against the router on {@code port}, recorded under {@code target}.
   * With {@code streamEvery} n > 0, every n-th request of a loop streams; 0 means none do.
   */
  void start(String target, int port, String model, int loops, int streamEvery) {
    AtomicBoolean flag = running.computeIfAbsent(target, t -> new AtomicBoolean());
    flag.set(true);
    for (int i = 0; i < loops; i++) {
      int first = i;
      vertx.runOnContext(v -> loop(target, port, model, streamEvery, first, flag));
    }
  }

  private void loop(String target, int port, String model, int streamEvery, int n, AtomicBoolean flag) {
    if (!flag.get()) {
      return;
    }
    boolean stream = streamEvery > 0 && n % streamEvery == 0;
    inFlight.incrementAndGet();
    once(target, port, model, stream)
        .onComplete(
            done -> {
              samples.add(done.result());
              inFlight.decrementAndGet();
              loop(target, port, model, streamEvery, n + 1, flag);
            });
  }

  /** Sends one request; the future always succeeds, with the failure (if any) inside the sample. */
  Future<Sample> once(String target, int port, String model, boolean stream) {
    long start = now();
    JsonObject body =
        new JsonObject()
            .put("model", model)
            .put("stream", stream)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/v1/chat/completions")
            .putHeader("content-type", "application/json")
            .putHeader("authorization", NodeTestSupport.DEMO_AUTH)
            .setConnectTimeout(5_000)
            .setIdleTimeout(15_000);
    return client
        .request(options)
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(b -> toSample(target, stream, start, response, b)))
        .recover(
            failure ->
                Future.succeededFuture(
                    new Sample(target, stream, start, now(), -1, null, 0,
                        "exception: " + failure.getClass().getSimpleName() + ": " + failure.getMessage())));
  }

  private static Sample toSample(String target, boolean stream, long start, HttpClientResponse response, Buffer body) {
    long end = now();
    String region = response.getHeader(MeridianHeaders.ROUTE_REGION);
    String attemptsHeader = response.getHeader(MeridianHeaders.ATTEMPTS);
    int attempts = attemptsHeader == null ? 0 : Integer.parseInt(attemptsHeader);
    int status = response.statusCode();
    String failure = null;
    String text = body.toString();
    if (status != 200) {
      failure = "HTTP " + status + ": " + abbreviate(text);
    } else if (stream) {
      if (!text.endsWith("data: [DONE]\n\n") || text.contains("data: {\"error\"")) {
        failure = "broken stream: ..." + abbreviate(text.substring(Math.max(0, text.length() - 200)));
      }
    } else {
      try {
        if (!"chat.completion".equals(new JsonObject(text).getString("object"))) {
          failure = "not a completion: " + abbreviate(text);
        }
      } catch (RuntimeException e) {
        failure = "unreadable body: " + abbreviate(text);
      }
    }
    return new Sample(target, stream, start, end, status, region, attempts, failure);
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /** Stops starting new requests for {@code target}; requests in flight still complete and count. */
  void stop(String target) {
    AtomicBoolean flag = running.get(target);
    if (flag != null) {
      flag.set(false);
    }
  }

  /** Stops every loop and waits until the requests in flight have been recorded. */
  void stopAllAndDrain(Duration timeout) throws Exception {
    running.values().forEach(flag -> flag.set(false));
    awaitCondition(timeout, () -> inFlight.get() == 0);
  }

  List<Sample> samples() {
    return new ArrayList<>(samples);
  }

  List<Sample> samples(Predicate<Sample> filter) {
    return samples.stream().filter(filter).toList();
  }

  /** Most-served region among {@code samples}, or null when there are none. */
  static String dominantRegion(Collection<Sample> samples) {
    Map<String, Integer> counts = new java.util.HashMap<>();
    for (Sample s : samples) {
      if (s.region() != null && s.ok()) {
        counts.merge(s.region(), 1, Integer::sum);
      }
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }

  /** The {@code q} quantile (0..1) of the latencies, nearest rank; NaN when empty. */
  static double percentileMs(Collection<Sample> samples, double q) {
    List<Double> latencies = samples.stream().map(Sample::latencyMs).sorted(Comparator.naturalOrder()).toList();
    if (latencies.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * latencies.size());
    return latencies.get(Math.max(0, Math.min(latencies.size() - 1, rank - 1)));
  }

  static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
