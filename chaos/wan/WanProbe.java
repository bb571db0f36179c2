import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The WAN run's sampler and limit driver, run in the measurement namespace with Meridian's jar on the
 * class path (for the Hazelcast client and Vert.x's JSON):
 *
 * <pre>
 * java -cp meridian.jar chaos/wan/WanProbe.java --out DIR --duration S --cluster NAME
 *     --region us-east=10.77.1.2 --region eu-west=10.77.2.2 --region ap-southeast=10.77.3.2
 *     [--limit-key K] [--limit-rate R] [--model M]
 * </pre>
 *
 * <p>Every second, per region: the router's {@code /status.json} (this router's own health view: the
 * age of its freshest and stalest local cell, how many cells are unobserved, the limited keys' use as
 * it counts it) and, through a Hazelcast client connected to that region's member only (unisocket), the
 * cluster as that member sees it: members, and per observer region the records of {@code
 * meridian-health} and the age of their oldest observation, and from how many current members
 * {@code meridian-usage} holds counts. One line per region and second in {@code samples.csv}.
 *
 * <p>And, per region, {@code --limit-rate} chat requests a second with the request-limited key, plus as
 * many with the budget key named in {@code DIR/budget-key} while that file names one: one line per
 * request in {@code limits.csv} (time, region, key, status, cost).
 */
public class WanProbe {
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) throws Exception {
    Map<String, String> regions = new LinkedHashMap<>();
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--region")) {
        String[] kv = args[i + 1].split("=", 2);
        regions.put(kv[0], kv[1]);
      } else {
        flags.put(args[i].substring(2), args[i + 1]);
      }
    }
    Path out = Path.of(flags.get("out"));
    long durationMs = Long.parseLong(flags.get("duration")) * 1000;
    String cluster = flags.get("cluster");
    String limitKey = flags.getOrDefault("limit-key", "sk-wan-rpm-limited");
    double limitRate = Double.parseDouble(flags.getOrDefault("limit-rate", "1"));
    String model = flags.getOrDefault("model", "deepseek-v4-flash");

    BufferedWriter samples = Files.newBufferedWriter(out.resolve("samples.csv"), StandardCharsets.UTF_8);
    samples.write("ts_ms,region,status_ok,local_age_min_ms,local_age_max_ms,local_unobserved,"
        + "rpm_this_minute,members,records,age_us_east_ms,age_eu_west_ms,age_ap_southeast_ms,"
        + "records_us_east,records_eu_west,records_ap_southeast,usage_members\n");
    BufferedWriter limits = Files.newBufferedWriter(out.resolve("limits.csv"), StandardCharsets.UTF_8);
    limits.write("ts_ms,region,key,status,cost_usd\n");

    Map<String, HazelcastInstance> clients = new LinkedHashMap<>();
    for (Map.Entry<String, String> region : regions.entrySet()) {
      clients.put(region.getKey(), client(cluster, region.getValue()));
    }
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(8);
    long end = System.currentTimeMillis() + durationMs;
    for (Map.Entry<String, String> region : regions.entrySet()) {
      String name = region.getKey();
      String base = "http://" + region.getValue() + ":8080";
      timers.scheduleAtFixedRate(
          () -> sample(name, base, clients.get(name), samples), 0, 1000, TimeUnit.MILLISECONDS);
      long periodMs = Math.round(1000 / limitRate);
      timers.scheduleAtFixedRate(
          () -> {
            limited(name, base, limitKey, model, limits);
            String budgetKey = budgetKey(out);
            if (budgetKey != null) {
              limited(name, base, budgetKey, model, limits);
            }
          },
          250, periodMs, TimeUnit.MILLISECONDS);
    }
    while (System.currentTimeMillis() < end) {
      Thread.sleep(500);
    }
    timers.shutdownNow();
    timers.awaitTermination(10, TimeUnit.SECONDS);
    synchronized (samples) {
      samples.close();
    }
    synchronized (limits) {
      limits.close();
    }
    for (HazelcastInstance client : clients.values()) {
      client.shutdown();
    }
  }

  static HazelcastInstance client(String cluster, String address) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(cluster);
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.client.invocation.timeout.seconds", "3");
    // This member only: the sampler must see the cluster as that region sees it, split or not.
    config.getNetworkConfig().addAddress(address + ":5701").setSmartRouting(false);
    config.getConnectionStrategyConfig().setAsyncStart(false);
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(Long.MAX_VALUE).setMaxBackoffMillis(1000);
    return HazelcastClient.newHazelcastClient(config);
  }

  static String budgetKey(Path out) {
    try {
      String key = Files.readString(out.resolve("budget-key")).trim();
      return key.isEmpty() ? null : key;
    } catch (IOException e) {
      return null;
    }
  }

  static void sample(String region, String base, HazelcastInstance hz, BufferedWriter samples) {
    long now = System.currentTimeMillis();
    StringBuilder line = new StringBuilder().append(now).append(',').append(region).append(',');
    try {
      JsonObject status = new JsonObject(get(base + "/status.json"));
      long min = Long.MAX_VALUE;
      long max = -1;
      int unobserved = 0;
      for (Object m : status.getJsonArray("models")) {
        JsonObject cells = ((JsonObject) m).getJsonObject("cells");
        for (String endpointRegion : cells.fieldNames()) {
          JsonObject cell = cells.getJsonObject(endpointRegion);
          if (cell.containsKey("ageMs")) {
            min = Math.min(min, cell.getLong("ageMs"));
            max = Math.max(max, cell.getLong("ageMs"));
          } else {
            unobserved++;
          }
        }
      }
      long rpm = -1;
      JsonArray keys = status.getJsonArray("clients", new JsonArray());
      for (Object k : keys) {
        JsonObject key = (JsonObject) k;
        if ("wan-rpm".equals(key.getString("name"))) {
          rpm = key.getLong("requestsThisMinute", -1L);
        }
      }
      line.append(1).append(',').append(min == Long.MAX_VALUE ? -1 : min).append(',').append(max)
          .append(',').append(unobserved).append(',').append(rpm).append(',');
    } catch (Exception e) {
      line.append("0,-1,-1,-1,-1,");
    }
    try {
      Set<String> memberIds = new HashSet<>();
      for (Member member : hz.getCluster().getMembers()) {
        memberIds.add(member.getUuid().toString());
      }
      IMap<String, String> health = hz.getMap("meridian-health");
      Map<String, long[]> byObserver = new LinkedHashMap<>();
      for (String observer : new String[] {"us-east", "eu-west", "ap-southeast"}) {
        byObserver.put(observer, new long[] {0, -1});
      }
      int records = 0;
      for (Map.Entry<String, String> entry : health.entrySet()) {
        JsonObject record = new JsonObject(entry.getValue());
        long[] agg = byObserver.get(record.getString("observerRegion"));
        records++;
        if (agg != null) {
          agg[0]++;
          agg[1] = Math.max(agg[1], now - record.getLong("lastObservedAtMs", 0L));
        }
      }
      IMap<String, Long> usage = hz.getMap("meridian-usage");
      Set<String> publishing = new HashSet<>();
      for (String key : usage.keySet()) {
        String member = key.substring(key.lastIndexOf('@') + 1);
        if (memberIds.contains(member)) {
          publishing.add(member);
        }
      }
      line.append(memberIds.size()).append(',').append(records);
      for (long[] agg : byObserver.values()) {
        line.append(',').append(agg[1]);
      }
      for (long[] agg : byObserver.values()) {
        line.append(',').append(agg[0]);
      }
      line.append(',').append(publishing.size());
    } catch (Exception e) {
      line.append("-1,-1,-1,-1,-1,-1,-1,-1,-1");
    }
    synchronized (samples) {
      try {
        samples.write(line.append('\n').toString());
        samples.flush();
      } catch (IOException e) {
        // closing at the end of the run
      }
    }
  }

  static void limited(String region, String base, String key, String model, BufferedWriter limits) {
    long start = System.currentTimeMillis();
    int status;
    String cost = "";
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(20))
          .header("authorization", "Bearer " + key)
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":40,"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"count to ten\"}]}"))
          .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      cost = response.headers().firstValue("x-meridian-cost-usd").orElse("");
    } catch (Exception e) {
      status = 0;
    }
    synchronized (limits) {
      try {
        limits.write(start + "," + region + "," + key + "," + status + "," + cost + "\n");
        limits.flush();
      } catch (IOException e) {
        // closing at the end of the run
      }
    }
  }

  static String get(String url) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(url + " answered " + response.statusCode());
    }
    return response.body();
  }
}
