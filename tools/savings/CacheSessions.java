import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.cost.CostCalculator;
import dev.meridian.core.openai.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Prompt-cache affinity measured: sessions of a few applications, each application with its own long
 * system prompt, replayed through two pairs of routers of one region, one pair with affinity on and one
 * with it off, each pair on its own simulator (own prompt caches), the same sessions on both, in the
 * same run. Each session's turns alternate between the two routers of its pair, as a load balancer
 * spreads them. Streamed requests: time to first token, usage (cached tokens as the provider reports
 * them) and the served model are read from the stream; dollars are that usage at the catalog's prices
 * (cached input at its cached price), as Meridian bills it. Run by {@code tools/savings/run.sh --cache}
 * with the jar on the class path.
 */
public class CacheSessions {
  record Turn(String side, String router, int app, long ttftMs, Usage usage, String model, double dollars) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new TreeMap<>(Map.of("--sessions", "300", "--turns", "3", "--apps", "6",
        "--system-tokens", "3000", "--concurrency", "12", "--model", "budget", "--seed", "11",
        "--key", "sk-meridian-demo-key"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    List<String> on = List.of(o.get("--on").split(","));
    List<String> off = List.of(o.get("--off").split(","));
    int sessions = Integer.parseInt(o.get("--sessions"));
    int turns = Integer.parseInt(o.get("--turns"));
    int apps = Integer.parseInt(o.get("--apps"));
    String[] systems = new String[apps];
    for (int a = 0; a < apps; a++) {
      systems[a] = systemPrompt(a, Integer.parseInt(o.get("--system-tokens")));
    }
    String catalogFile = o.getOrDefault("--catalog-file", "");
    Catalog catalog = catalogFile.isBlank() ? CatalogLoader.loadDefault() : CatalogLoader.load(Path.of(catalogFile));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(o.get("--concurrency")));
    List<Future<List<Turn>>> runs = new ArrayList<>();
    long seed = Long.parseLong(o.get("--seed"));
    for (int s = 0; s < sessions; s++) {
      int session = s;
      runs.add(pool.submit(() -> {
        Random random = new Random(seed * 31 + session);
        int app = random.nextInt(apps);
        List<Turn> done = new ArrayList<>();
        for (String side : List.of("on", "off")) {
          List<String> routers = side.equals("on") ? on : off;
          JsonArray messages = new JsonArray().add(new JsonObject().put("role", "system").put("content", systems[app]));
          Random questions = new Random(seed * 131 + session);
          for (int t = 0; t < turns; t++) {
            messages.add(new JsonObject().put("role", "user").put("content", question(questions, session, t)));
            String router = routers.get((session + t) % routers.size());
            Turn turn = send(http, router, o.get("--key"), o.get("--model"), messages, side, app, catalog);
            done.add(turn);
            messages.add(new JsonObject().put("role", "assistant").put("content", "Noted (" + t + ")."));
          }
        }
        return done;
      }));
    }
    List<Turn> all = new ArrayList<>();
    for (Future<List<Turn>> run : runs) {
      all.addAll(run.get());
    }
    pool.shutdown();
    report(all, sessions, turns, apps, o);
  }

  static Turn send(HttpClient http, String router, String key, String model, JsonArray messages, String side, int app,
      Catalog catalog) throws Exception {
    JsonObject body = new JsonObject().put("model", model).put("stream", true).put("max_tokens", 40)
        .put("stream_options", new JsonObject().put("include_usage", true)).put("messages", messages);
    HttpRequest request = HttpRequest.newBuilder(URI.create(router + "/v1/chat/completions"))
        .header("authorization", "Bearer " + key).header("content-type", "application/json")
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    long started = System.nanoTime();
    HttpResponse<java.util.stream.Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(router + " answered " + response.statusCode());
    }
    String served = response.headers().firstValue("x-meridian-model").orElseThrow();
    long[] ttft = {-1};
    JsonObject[] usage = {null};
    response.body().forEach(line -> {
      if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
        return;
      }
      JsonObject chunk = new JsonObject(line.substring(6));
      if (ttft[0] < 0 && chunk.getJsonArray("choices") != null && !chunk.getJsonArray("choices").isEmpty()) {
        ttft[0] = (System.nanoTime() - started) / 1_000_000;
      }
      if (chunk.getValue("usage") instanceof JsonObject u) {
        usage[0] = u;
      }
    });
    Usage used = Usage.fromJson(usage[0]);
    if (used == null) {
      throw new IllegalStateException(router + " streamed no usage");
    }
    ModelSpec spec = catalog.model(served);
    return new Turn(side, router, app, ttft[0], used, served, CostCalculator.dollars(spec, used));
  }

  static void report(List<Turn> all, int sessions, int turns, int apps, Map<String, String> o) throws Exception {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Prompt-cache affinity, scenario '%s': %d sessions x %d turns, %d applications with a %s-token system prompt, model '%s'%n",
        o.getOrDefault("--scenario", "default"), sessions, turns, apps, o.get("--system-tokens"), o.get("--model")));
    out.append("two routers per side, a session's turns alternating between them; each side on its own simulator\n\n");
    out.append(String.format(Locale.ROOT, "%-13s %8s %9s %12s %9s %9s %10s %11s%n", "affinity", "requests", "hit rate",
        "cached share", "TTFT p50", "TTFT p95", "dollars", "same place"));
    JsonObject json = new JsonObject().put("finished_utc", Instant.now().toString()).put("sessions", sessions)
        .put("turns", turns).put("apps", apps).put("systemTokens", Integer.parseInt(o.get("--system-tokens")))
        .put("model", o.get("--model"));
    Map<String, Double> dollarsBySide = new HashMap<>();
    for (String side : List.of("on", "off")) {
      List<Turn> turnsOf = all.stream().filter(t -> t.side().equals(side)).toList();
      long hits = turnsOf.stream().filter(t -> t.usage().cachedPromptTokens() > 0).count();
      long prompt = turnsOf.stream().mapToLong(t -> t.usage().promptTokens()).sum();
      long cached = turnsOf.stream().mapToLong(t -> t.usage().cachedPromptTokens()).sum();
      List<Long> ttfts = turnsOf.stream().map(Turn::ttftMs).sorted().collect(Collectors.toList());
      double dollars = turnsOf.stream().mapToDouble(Turn::dollars).sum();
      dollarsBySide.put(side, dollars);
      // How often an application's requests went where most of them did: 100 % is one endpoint per prompt.
      long samePlace = 0;
      for (int app = 0; app < apps; app++) {
        int a = app;
        Map<String, Long> byModel = turnsOf.stream().filter(t -> t.app() == a)
            .collect(Collectors.groupingBy(Turn::model, Collectors.counting()));
        samePlace += byModel.values().stream().mapToLong(Long::longValue).max().orElse(0);
      }
      Map<String, Long> served = new TreeMap<>(turnsOf.stream().collect(Collectors.groupingBy(Turn::model, Collectors.counting())));
      out.append(String.format(Locale.ROOT, "%-13s %8d %8.1f%% %11.1f%% %6d ms %6d ms %10.6f %10.1f%%%n", side,
          turnsOf.size(), 100.0 * hits / turnsOf.size(), 100.0 * cached / Math.max(1, prompt), percentile(ttfts, 0.5),
          percentile(ttfts, 0.95), dollars, 100.0 * samePlace / turnsOf.size()));
      json.put(side, new JsonObject().put("requests", turnsOf.size()).put("hits", hits).put("promptTokens", prompt)
          .put("cachedTokens", cached).put("ttftP50Ms", percentile(ttfts, 0.5)).put("ttftP95Ms", percentile(ttfts, 0.95))
          .put("dollars", dollars).put("samePlace", samePlace).put("served", new JsonObject(new HashMap<>(served))));
    }
    for (String side : List.of("on", "off")) {
      out.append(String.format(Locale.ROOT, "served (%s): %s%n", side,
          new TreeMap<>(all.stream().filter(t -> t.side().equals(side)).collect(Collectors.groupingBy(Turn::model, Collectors.counting())))));
    }
    double saving = 1 - dollarsBySide.get("on") / dollarsBySide.get("off");
    out.append(String.format(Locale.ROOT, "%nAffinity on costs %.1f %% %s than off.%n", Math.abs(saving) * 100,
        saving >= 0 ? "less" : "more"));
    System.out.print(out);
    Path dir = Path.of(o.getOrDefault("--out", "tools/savings/results"));
    Files.createDirectories(dir);
    String stamp = Instant.now().toString().replace(":", "").replace("-", "").substring(0, 15) + "Z";
    String scenario = o.getOrDefault("--scenario", "default");
    json.put("scenario", scenario);
    Files.writeString(dir.resolve("cache-" + scenario + "-" + stamp + ".json"), json.encodePrettily());
    Files.writeString(dir.resolve("cache-" + scenario + "-latest.json"), json.encodePrettily());
  }

  static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }

  static String systemPrompt(int app, int tokens) {
    Random random = new Random(1_000 + app);
    String[] words = {"shipment", "customer", "refund", "policy", "carrier", "invoice", "warehouse", "delivery",
        "escalate", "verify", "tracking", "address", "courteous", "never", "always", "summary"};
    StringBuilder text = new StringBuilder("Application " + app + ": you are the assistant of a logistics company. ");
    while (text.length() < tokens * 4) {
      text.append(words[random.nextInt(words.length)]).append(' ');
    }
    return text.toString();
  }

  static String question(Random random, int session, int turn) {
    String[] asks = {"Where is my parcel", "Can I change the delivery address", "How do I get a refund",
        "Why was I charged twice", "Can you escalate this"};
    return asks[random.nextInt(asks.length)] + "? (session " + session + ", turn " + turn + ")";
  }
}
