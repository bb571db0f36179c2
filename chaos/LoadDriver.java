import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The chaos run's load driver and reporter: one file, JDK only, run as {@code java chaos/LoadDriver.java}.
 *
 * <pre>
 * java chaos/LoadDriver.java run --target us-east=http://127.0.0.1:18080 [--target ...]
 *     [--rate 8] [--duration 90] [--models deepseek-v4-flash,glm-5,qwen3-32b,auto]
 *     [--stream-share 0.5] [--max-tokens 60] [--timeout-ms 30000] [--warmup 0] --out DIR
 * java chaos/LoadDriver.java report --out DIR
 * </pre>
 *
 * <p>{@code run} sends a fixed rate of chat completions to every target (open loop: a slow or dead
 * router does not slow the schedule down), mixing models and streaming, and appends one line per
 * request to {@code DIR/requests.csv}: router, start and end (epoch ms), latency, time to first byte,
 * status, whether the client saw a success, and the route headers (x-meridian-model, -region,
 * -attempts). A request counts as failed when the client could tell: no 200, a connection error, a
 * non-streamed body that is not a completion, or a stream that does not end with {@code [DONE]} or
 * carries an SSE error event.
 *
 * <p>{@code report} reads {@code requests.csv}, the phase schedule the chaos script wrote to
 * {@code DIR/events.csv} ({@code epoch_ms,phase,fault} lines, plus {@code epoch_ms,@note,detail}
 * annotations) and the simulator's per-phase counts in {@code DIR/upstream.csv} if present, and prints
 * the table: per phase, requests sent, succeeded, failed, p50/p99 latency, requests that needed more
 * than one attempt, and the failover time: from the fault's injection until the last response served
 * by the faulted endpoint or node.
 */
public class LoadDriver {
  /** Client key sent to the routers: MERIDIAN_API_KEY, else the embedded default's public demo key. */
  static final String API_KEY =
      System.getenv().getOrDefault("MERIDIAN_API_KEY", "sk-meridian-demo-key");

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      return;
    }
    Map<String, List<String>> flags = parseFlags(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "run" -> new Runner(flags).run();
      case "report" -> Report.print(Path.of(one(flags, "out", null)), System.out);
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: java chaos/LoadDriver.java run --target NAME=URL ... --out DIR [--rate R] [--duration S]"
        + " [--models a,b] [--stream-share F] [--max-tokens N] [--timeout-ms MS] [--warmup S]\n"
        + "       java chaos/LoadDriver.java report --out DIR");
    System.exit(2);
  }

  static Map<String, List<String>> parseFlags(String[] args) {
    Map<String, List<String>> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --flag value, got " + args[i]);
      }
      flags.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
    return flags;
  }

  static String one(Map<String, List<String>> flags, String name, String fallback) {
    List<String> values = flags.get(name);
    if (values == null || values.isEmpty()) {
      if (fallback == null) {
        throw new IllegalArgumentException("--" + name + " is required");
      }
      return fallback;
    }
    return values.get(values.size() - 1);
  }

  /** One request as the client saw it. Times are epoch milliseconds. */
  record Result(
      String router, long startMs, long endMs, long ttfbMs, int status, boolean ok, boolean stream,
      String model, String servedModel, String region, int attempts, String error) {
    static final String HEADER = "router,start_ms,end_ms,latency_ms,ttfb_ms,status,ok,stream,model,served_model,region,attempts,error";

    String csv() {
      return String.join(",", router, Long.toString(startMs), Long.toString(endMs), Long.toString(endMs - startMs),
          Long.toString(ttfbMs), Integer.toString(status), Boolean.toString(ok), Boolean.toString(stream), model,
          nz(servedModel), nz(region), Integer.toString(attempts), clean(error));
    }

    static Result parse(String line) {
      String[] f = line.split(",", 13);
      return new Result(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[4]),
          Integer.parseInt(f[5]), Boolean.parseBoolean(f[6]), Boolean.parseBoolean(f[7]), f[8], f[9], f[10],
          Integer.parseInt(f[11]), f.length > 12 ? f[12] : "");
    }

    long latencyMs() {
      return endMs - startMs;
    }

    private static String nz(String s) {
      return s == null ? "" : s;
    }

    private static String clean(String s) {
      if (s == null) {
        return "";
      }
      String flat = s.replaceAll("[,\\r\\n\"]", " ").trim();
      return flat.length() > 160 ? flat.substring(0, 160) : flat;
    }
  }

  // ------------------------------------------------------------------------------------------- run

  static final class Runner {
    private final Map<String, URI> targets = new LinkedHashMap<>();
    private final double rate;
    private final long durationMs;
    private final List<String> models;
    private final double streamShare;
    private final int maxTokens;
    private final long timeoutMs;
    private final long warmupMs;
    private volatile long recordFrom = Long.MAX_VALUE;
    private final Path out;
    private final HttpClient client;
    private final ExecutorService readers = Executors.newCachedThreadPool(daemon("reader"));
    private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(1, daemon("ticker"));
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong okCount = new AtomicLong();
    private final AtomicLong failedCount = new AtomicLong();
    private BufferedWriter writer;

    Runner(Map<String, List<String>> flags) {
      for (String target : flags.getOrDefault("target", List.of())) {
        int eq = target.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--target NAME=URL, got " + target);
        }
        targets.put(target.substring(0, eq), URI.create(target.substring(eq + 1).replaceAll("/+$", "") + "/v1/chat/completions"));
      }
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("at least one --target NAME=URL");
      }
      rate = Double.parseDouble(one(flags, "rate", "8"));
      durationMs = Math.round(Double.parseDouble(one(flags, "duration", "90")) * 1000);
      models = List.of(one(flags, "models", "deepseek-v4-flash,glm-5,qwen3-32b,auto").split(","));
      streamShare = Double.parseDouble(one(flags, "stream-share", "0.5"));
      maxTokens = Integer.parseInt(one(flags, "max-tokens", "60"));
      timeoutMs = Long.parseLong(one(flags, "timeout-ms", "30000"));
      warmupMs = Math.round(Double.parseDouble(one(flags, "warmup", "0")) * 1000);
      out = Path.of(one(flags, "out", null));
      client = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newFixedThreadPool(4, daemon("http")))
          .build();
    }

    void run() throws Exception {
      Files.createDirectories(out);
      writer = Files.newBufferedWriter(out.resolve("requests.csv"), StandardCharsets.UTF_8);
      writer.write(Result.HEADER);
      writer.newLine();
      long periodNanos = Math.round(1e9 / rate);
      // The same load runs unrecorded for the warm-up (JIT of routers and driver); the run and the chaos
      // script's schedule start after it.
      long start = System.currentTimeMillis() + warmupMs;
      recordFrom = start;
      System.err.printf(Locale.ROOT, "[driver] %s: %.1f req/s each for %d s after a %d s warm-up, models %s, %.0f%% streamed%n",
          targets.keySet(), rate, durationMs / 1000, warmupMs / 1000, models, streamShare * 100);
      int index = 0;
      for (Map.Entry<String, URI> target : targets.entrySet()) {
        Random random = new Random(42 + index);
        AtomicLong counter = new AtomicLong();
        // Spread the targets' ticks over one period so they do not all fire together.
        long offset = periodNanos * index++ / targets.size();
        ticker.scheduleAtFixedRate(() -> {
          if (System.currentTimeMillis() - start >= durationMs) {
            return;
          }
          long n = counter.getAndIncrement();
          String model = models.get((int) (n % models.size()));
          boolean stream = random.nextDouble() < streamShare;
          send(target.getKey(), target.getValue(), model, stream);
        }, offset, periodNanos, TimeUnit.NANOSECONDS);
      }
      while (System.currentTimeMillis() < start) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      // The chaos script times its schedule from this moment, not from when it launched the JVM.
      Files.writeString(out.resolve("driver.started"), Long.toString(start));
      ticker.scheduleAtFixedRate(() -> System.err.printf(Locale.ROOT,
          "[driver] +%3ds sent=%d ok=%d failed=%d in-flight=%d%n", (System.currentTimeMillis() - start) / 1000,
          sent.get(), okCount.get(), failedCount.get(), inFlight.get()), 10, 10, TimeUnit.SECONDS);
      while (System.currentTimeMillis() - start < durationMs) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      long drainDeadline = System.currentTimeMillis() + timeoutMs + 5_000;
      while (inFlight.get() > 0 && System.currentTimeMillis() < drainDeadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      ticker.shutdownNow();
      synchronized (this) {
        writer.close();
      }
      System.err.printf(Locale.ROOT, "[driver] done: sent=%d ok=%d failed=%d (unfinished %d) -> %s%n",
          sent.get(), okCount.get(), failedCount.get(), inFlight.get(), out.resolve("requests.csv"));
      System.exit(0);
    }

    private void send(String router, URI uri, String model, boolean stream) {
      String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":" + maxTokens
          + ",\"messages\":[{\"role\":\"user\",\"content\":\"chaos run: say something\"}]}";
      HttpRequest request = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofMillis(timeoutMs))
          .header("content-type", "application/json")
          .header("authorization", "Bearer " + API_KEY)
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      long startMs = System.currentTimeMillis();
      if (startMs >= recordFrom) {
        sent.incrementAndGet();
      }
      inFlight.incrementAndGet();
      client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
          .thenApplyAsync(response -> read(router, model, stream, startMs, response), readers)
          .exceptionally(error -> failure(router, model, stream, startMs, error))
          .thenAccept(this::record);
    }

    private Result read(String router, String model, boolean stream, long startMs, HttpResponse<InputStream> response) {
      String servedModel = response.headers().firstValue("x-meridian-model").orElse("");
      String region = response.headers().firstValue("x-meridian-region").orElse("");
      int attempts = response.headers().firstValue("x-meridian-attempts").map(Integer::parseInt).orElse(0);
      long ttfb = -1;
      StringBuilder text = new StringBuilder();
      try (InputStream in = response.body()) {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (ttfb < 0 && n > 0) {
            ttfb = System.currentTimeMillis() - startMs;
          }
          text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        return new Result(router, startMs, System.currentTimeMillis(), ttfb, response.statusCode(), false, stream,
            model, servedModel, region, attempts, "body: " + e.getClass().getSimpleName() + " " + e.getMessage());
      }
      long end = System.currentTimeMillis();
      String error = null;
      String body = text.toString();
      if (response.statusCode() != 200) {
        error = "HTTP " + response.statusCode() + " " + body;
      } else if (stream) {
        if (!body.endsWith("data: [DONE]\n\n") || body.contains("data: {\"error\"")) {
          int cut = body.lastIndexOf("data: ");
          error = "broken stream: " + (cut >= 0 ? body.substring(cut) : body);
        }
      } else if (!body.contains("\"chat.completion\"")) {
        error = "not a completion: " + body;
      }
      return new Result(router, startMs, end, ttfb, response.statusCode(), error == null, stream, model, servedModel,
          region, attempts, error);
    }

    private Result failure(String router, String model, boolean stream, long startMs, Throwable error) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      return new Result(router, startMs, System.currentTimeMillis(), -1, -1, false, stream, model, "", "", 0,
          cause.getClass().getSimpleName() + " " + cause.getMessage());
    }

    private void record(Result result) {
      if (result.startMs() < recordFrom) {
        inFlight.decrementAndGet();
        return;
      }
      (result.ok() ? okCount : failedCount).incrementAndGet();
      synchronized (this) {
        try {
          writer.write(result.csv());
          writer.newLine();
        } catch (IOException e) {
          System.err.println("[driver] cannot write a result: " + e);
        }
      }
      inFlight.decrementAndGet();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
      AtomicInteger n = new AtomicInteger();
      return r -> {
        Thread t = new Thread(r, "driver-" + name + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
    }
  }

  // ---------------------------------------------------------------------------------------- report

  static final class Report {
    record Phase(String name, String fault, long startMs, long endMs) {}

    record Note(long atMs, String kind, String detail) {}

    static void print(Path dir, PrintStream out) throws IOException {
      List<Result> results = new ArrayList<>();
      List<String> lines = Files.readAllLines(dir.resolve("requests.csv"));
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isBlank()) {
          results.add(Result.parse(line));
        }
      }
      List<Phase> phases = new ArrayList<>();
      List<Note> notes = new ArrayList<>();
      long endMs = results.stream().mapToLong(Result::endMs).max().orElse(0);
      List<String[]> raw = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("events.csv"))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          raw.add(line.split(",", 3));
        }
      }
      for (String[] e : raw) {
        if (e[1].startsWith("@")) {
          notes.add(new Note(Long.parseLong(e[0]), e[1].substring(1), e.length > 2 ? e[2] : ""));
        }
      }
      List<String[]> phaseLines = raw.stream().filter(e -> !e[1].startsWith("@")).toList();
      for (int i = 0; i < phaseLines.size(); i++) {
        String[] e = phaseLines.get(i);
        long start = Long.parseLong(e[0]);
        long end = i + 1 < phaseLines.size() ? Long.parseLong(phaseLines.get(i + 1)[0]) : Math.max(endMs, start);
        if (!e[1].equals("end")) {
          phases.add(new Phase(e[1], e.length > 2 ? e[2] : "-", start, end));
        }
      }
      Map<String, String> upstream = new LinkedHashMap<>();
      Path upstreamFile = dir.resolve("upstream.csv");
      if (Files.exists(upstreamFile)) {
        for (String line : Files.readAllLines(upstreamFile)) {
          String[] f = line.split(",", 2);
          if (f.length == 2 && !line.startsWith("#")) {
            upstream.put(f[0], f[1]);
          }
        }
      }
      long t0 = phases.isEmpty() ? 0 : phases.get(0).startMs();

      out.println();
      out.printf(Locale.ROOT, "%-40s %-13s %6s %6s %6s %8s %8s %7s  %s%n",
          "phase (fault)", "window s", "sent", "ok", "failed", "p50 ms", "p99 ms", "tries>1", "failover / notes");
      out.println("-".repeat(140));
      // A request belongs to the phase in which it was sent, except that requests a killed router was
      // still answering when it died belong to the kill.
      List<Phase> kills = phases.stream().filter(p -> p.fault().startsWith("router:")).toList();
      Predicate<Result> caughtByKill = r -> kills.stream().anyMatch(k -> r.router().equals(k.fault().substring("router:".length()))
          && r.startMs() < k.startMs() && r.endMs() >= k.startMs());
      for (Phase phase : phases) {
        boolean isKill = phase.fault().startsWith("router:");
        List<Result> inPhase = results.stream().filter(r -> (r.startMs() >= phase.startMs() && r.startMs() < phase.endMs()
                && !caughtByKill.test(r))
            || (isKill && caughtByKill.test(r) && r.router().equals(phase.fault().substring("router:".length()))
                && r.startMs() < phase.startMs() && r.endMs() >= phase.startMs())).toList();
        String window = String.format(Locale.ROOT, "%5.1f-%5.1f", (phase.startMs() - t0) / 1000.0, (phase.endMs() - t0) / 1000.0);
        String fault = phase.fault();
        if (fault.startsWith("router:")) {
          String router = fault.substring("router:".length());
          List<Result> survivors = inPhase.stream().filter(r -> !r.router().equals(router)).toList();
          List<Result> victim = inPhase.stream().filter(r -> r.router().equals(router)).toList();
          row(out, phase.name() + " (surviving routers)", window, survivors,
              "failover n/a (clients call each router directly)" + upstreamNote(upstream, phase.name()));
          row(out, phase.name() + " (" + router + " itself)", window, victim, victimNotes(phase, router, results, notes));
        } else {
          String note = fault.equals("-") ? "" : failover(phase, fault, results);
          row(out, phase.name(), window, inPhase, note + upstreamNote(upstream, phase.name()));
        }
      }
      out.println("-".repeat(140));
      row(out, "whole run", String.format(Locale.ROOT, "%5.1f-%5.1f", 0.0, (endMs - t0) / 1000.0), results, "");
      Map<String, Long> errors = new LinkedHashMap<>();
      results.stream().filter(r -> !r.ok()).forEach(r -> errors.merge(r.router() + ": " + abbreviate(r.error(), 90), 1L, Long::sum));
      if (!errors.isEmpty()) {
        out.println();
        out.println("client-visible failures by router and cause:");
        errors.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
            .forEach(e -> out.printf(Locale.ROOT, "  %5d  %s%n", e.getValue(), e.getKey()));
      }
      out.println();
    }

    private static String upstreamNote(Map<String, String> upstream, String phase) {
      String value = upstream.get(phase);
      return value == null ? "" : "; " + value;
    }

    /**
     * From injection to the last response the client got from the faulted endpoint (endpoint:model@region)
     * or region (region:name), counting only responses that ended after the injection; plus when the last
     * request that needed a second attempt started, which shows how long routers kept trying the dead
     * endpoint first.
     */
    private static String failover(Phase phase, String fault, List<Result> results) {
      Predicate<Result> served;
      if (fault.startsWith("endpoint:")) {
        String[] parts = fault.substring("endpoint:".length()).split("@");
        served = r -> r.ok() && parts[0].equals(r.servedModel()) && parts[1].equals(r.region());
      } else if (fault.startsWith("region:")) {
        String region = fault.substring("region:".length());
        served = r -> r.ok() && region.equals(r.region());
      } else {
        return "";
      }
      long lastServed = results.stream().filter(r -> r.endMs() >= phase.startMs() && r.startMs() < phase.endMs())
          .filter(served).mapToLong(Result::endMs).max().orElse(-1);
      long lastStartedServed = results.stream().filter(r -> r.startMs() >= phase.startMs() && r.startMs() < phase.endMs())
          .filter(served).mapToLong(Result::startMs).max().orElse(-1);
      long lastRetried = results.stream().filter(r -> r.startMs() >= phase.startMs() && r.startMs() < phase.endMs())
          .filter(r -> r.attempts() > 1).mapToLong(Result::startMs).max().orElse(-1);
      String moved = lastServed < 0 ? "failover 0 ms (nothing served by it after injection)"
          : String.format(Locale.ROOT, "failover %d ms (last response from it)", lastServed - phase.startMs());
      if (lastStartedServed >= 0) {
        moved += String.format(Locale.ROOT, " [a request sent at +%d ms was still served by it]", lastStartedServed - phase.startMs());
      }
      String retried = lastRetried < 0 ? "; no request needed a 2nd attempt"
          : String.format(Locale.ROOT, "; last request needing >1 attempt sent at +%d ms", lastRetried - phase.startMs());
      return moved + retried;
    }

    private static String victimNotes(Phase phase, String router, List<Result> results, List<Note> notes) {
      StringBuilder text = new StringBuilder();
      List<Result> caught = results.stream().filter(r -> r.router().equals(router) && r.startMs() < phase.startMs()
          && r.endMs() >= phase.startMs()).toList();
      text.append(caught.size()).append(" in flight at the kill (").append(caught.stream().filter(r -> !r.ok()).count())
          .append(" failed)");
      for (Note note : notes) {
        if (note.atMs() >= phase.startMs() && note.atMs() < phase.endMs() && note.detail().contains(router)) {
          text.append("; ").append(note.kind()).append(" +").append(String.format(Locale.ROOT, "%.1f", (note.atMs() - phase.startMs()) / 1000.0)).append(" s");
        }
      }
      long firstBack = results.stream().filter(r -> r.router().equals(router) && r.ok() && r.startMs() > phase.startMs())
          .mapToLong(Result::endMs).min().orElse(-1);
      text.append(firstBack < 0 ? "; not serving again before the end" : String.format(Locale.ROOT,
          "; serving again +%.1f s", (firstBack - phase.startMs()) / 1000.0));
      return text.toString();
    }

    private static void row(PrintStream out, String name, String window, Collection<Result> rows, String note) {
      long ok = rows.stream().filter(Result::ok).count();
      List<Long> latencies = rows.stream().map(Result::latencyMs).sorted(Comparator.naturalOrder()).toList();
      long retried = rows.stream().filter(r -> r.attempts() > 1).count();
      out.printf(Locale.ROOT, "%-40s %-13s %6d %6d %6d %8s %8s %7d  %s%n", abbreviate(name, 40), window, rows.size(), ok,
          rows.size() - ok, pct(latencies, 0.50), pct(latencies, 0.99), retried, note);
    }

    private static String pct(List<Long> sorted, double q) {
      if (sorted.isEmpty()) {
        return "-";
      }
      int rank = (int) Math.ceil(q * sorted.size());
      return Long.toString(sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))));
    }

    private static String abbreviate(String s, int max) {
      if (s == null) {
        return "";
      }
      return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
  }
}
