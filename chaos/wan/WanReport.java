import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The WAN run's report: {@code java chaos/wan/WanReport.java --out DIR}. Reads what chaos/wan/run.sh
 * left in DIR (events.csv, requests.csv from chaos/LoadDriver.java, samples.csv and limits.csv from
 * WanProbe.java, limits.json) and prints one table per fault, one row per region, then the limits.
 *
 * <p>Windows: a fault lasts from its injection to its heal; "after" runs from the heal to the next
 * fault (or the end). Convergence after a heal: the first sample second from which, for every region
 * and for the rest of the window, its member sees 3 members, the health map holds one record per
 * catalog (model, region) pair of each observer region, none older than 3 probe intervals, and usage
 * counts from all 3 members.
 */
public class WanReport {
  static final String[] REGIONS = {"us-east", "eu-west", "ap-southeast"};

  record Event(long ms, String name, String detail) {}

  record Request(String router, long startMs, long latencyMs, boolean ok, String servedRegion, String error) {}

  record Sample(long ms, String region, boolean statusOk, long localAgeMax, long unobserved, int members,
      long[] ageByObserver, long[] recordsByObserver, int usageMembers) {
    boolean converged(long staleMs, int pairs) {
      if (members != 3 || usageMembers != 3) {
        return false;
      }
      for (int i = 0; i < 3; i++) {
        if (recordsByObserver[i] != pairs || ageByObserver[i] < 0 || ageByObserver[i] > staleMs) {
          return false;
        }
      }
      return true;
    }
  }

  record Limited(long ms, String region, String key, int status, double cost) {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[1]);
    List<Event> events = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("events.csv"))) {
      String[] f = line.split(",", 3);
      events.add(new Event(Long.parseLong(f[0]), f[1], f.length > 2 ? f[2] : ""));
    }
    List<Request> requests = new ArrayList<>();
    for (String line : tail(dir.resolve("requests.csv"))) {
      String[] f = line.split(",", -1);
      requests.add(new Request(f[0], Long.parseLong(f[1]), Long.parseLong(f[3]), f[6].equals("true"), f[10], f[12]));
    }
    List<Sample> samples = new ArrayList<>();
    for (String line : tail(dir.resolve("samples.csv"))) {
      String[] f = line.split(",", -1);
      samples.add(new Sample(Long.parseLong(f[0]), f[1], f[2].equals("1"), Long.parseLong(f[4]),
          Long.parseLong(f[5]), Integer.parseInt(f[7]),
          new long[] {Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11])},
          new long[] {Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])},
          Integer.parseInt(f[15])));
    }
    List<Limited> limited = new ArrayList<>();
    for (String line : tail(dir.resolve("limits.csv"))) {
      String[] f = line.split(",", -1);
      limited.add(new Limited(Long.parseLong(f[0]), f[1], f[2], Integer.parseInt(f[3]),
          f[4].isEmpty() ? 0 : Double.parseDouble(f[4])));
    }
    io.vertx.core.json.JsonObject limits = new io.vertx.core.json.JsonObject(Files.readString(dir.resolve("limits.json")));
    int rpmLimit = limits.getInteger("rpm_limit");
    double budget = limits.getDouble("budget_dollars");
    long staleMs = 3 * limits.getLong("probe_interval_ms");
    int pairs = catalogPairs(new io.vertx.core.json.JsonObject(Files.readString(dir.resolve("catalog.json"))));
    print(System.out, events, requests, samples, limited, rpmLimit, budget, staleMs, pairs);
  }

  /** Health records one observer region writes: one per (model, endpoint region) of the run's catalog. */
  static int catalogPairs(io.vertx.core.json.JsonObject catalog) {
    int pairs = 0;
    for (Object model : catalog.getJsonArray("models")) {
      pairs += ((io.vertx.core.json.JsonObject) model).getJsonArray("regions").size();
    }
    return pairs;
  }

  static void print(PrintStream out, List<Event> events, List<Request> requests, List<Sample> samples,
      List<Limited> limited, int rpmLimit, double budget, long staleMs, int pairs) {
    String[][] faults = {
      {"a", "ap-southeast partitioned from us-east and eu-west for 60 s", "a: partition", "a: heal", "b: loss"},
      {"b", "5 % packet loss on us-east<->eu-west for 60 s", "b: loss", "b: clear", "c: partition"},
      {"c", "ap-southeast partitioned for 60 s, its router restarted 20 s in", "c: partition", "c: heal", "end"},
    };
    long baselineStart = at(events, "baseline");
    long firstFault = at(events, "a: partition");
    out.printf(Locale.ROOT, "baseline (%d s): %s%n", (firstFault - baselineStart) / 1000,
        summary(requests, r -> r.startMs() >= baselineStart && r.startMs() < firstFault));
    for (String[] fault : faults) {
      long start = at(events, fault[2]);
      long heal = at(events, fault[3]);
      long next = at(events, fault[4]);
      long down = fault[0].equals("c") ? at(events, "@router stop") : -1;
      long up = fault[0].equals("c") ? atOr(events, "@router ready", heal) : -1;
      out.printf(Locale.ROOT, "%nFault %s: %s%n", fault[0], fault[1]);
      out.printf(Locale.ROOT, "%-13s %8s %7s %7s %7s %9s %10s %11s %11s %8s %11s%n", "region", "requests",
          "errors", "p50 ms", "p99 ms", "own reg.", "local age", "remote age", "min members", "usage", "converged");
      for (String region : REGIONS) {
        List<Request> during = select(requests, r -> r.router().equals(region) && r.startMs() >= start && r.startMs() < heal);
        long routerDown = region.equals("ap-southeast") && down > 0
            ? during.stream().filter(r -> !r.ok() && r.startMs() >= down && r.startMs() < up).count() : 0;
        long errors = during.stream().filter(r -> !r.ok()).count();
        List<Sample> view = select(samples, s -> s.region().equals(region) && s.ms() >= start && s.ms() < heal);
        long localAge = view.stream().filter(Sample::statusOk).mapToLong(Sample::localAgeMax).max().orElse(-1);
        int idx = index(region);
        long remoteAge = -1;
        int minMembers = Integer.MAX_VALUE;
        int minUsage = Integer.MAX_VALUE;
        for (Sample s : view) {
          for (int i = 0; i < 3; i++) {
            if (i != idx) {
              remoteAge = Math.max(remoteAge, s.ageByObserver()[i]);
            }
          }
          if (s.members() > 0) {
            minMembers = Math.min(minMembers, s.members());
            minUsage = Math.min(minUsage, s.usageMembers());
          }
        }
        long converged = convergence(samples, region, heal, next, staleMs, pairs);
        out.printf(Locale.ROOT, "%-13s %8d %7s %7s %7s %8s%% %9ss %10ss %11s %8s %11s%n", region, during.size(),
            errors + (routerDown > 0 ? " (" + routerDown + " router down)" : ""),
            pct(during, 0.50), pct(during, 0.99), ownRegion(during, region), seconds(localAge), seconds(remoteAge),
            minMembers == Integer.MAX_VALUE ? "-" : minMembers, minUsage == Integer.MAX_VALUE ? "-" : minUsage,
            converged < 0 ? "no" : seconds(converged - heal) + "s");
      }
      long all = convergenceAll(samples, heal, next, staleMs, pairs);
      out.printf(Locale.ROOT, "cluster converged (all regions: 3 members, 3 x " + pairs + " fresh records, usage from 3 members) %s after the %s%n",
          all < 0 ? "NOT within the window" : seconds(all - heal) + " s", fault[0].equals("b") ? "loss ended" : "heal");
      limitsRow(out, limited, fault[0], start, heal, rpmLimit, budget, fault[0].equals("b") ? 1 : 2);
    }
    out.printf(Locale.ROOT, "%nColumns: errors = client-visible failures (chaos/LoadDriver.java's definition); own reg. = share "
        + "served by an endpoint of the router's own region; local age = oldest of the router's own observations in "
        + "/status.json (what routing reads); remote age = oldest record of the other regions' observers in the "
        + "member's view of meridian-health (routing never reads those); usage = fewest members whose usage "
        + "counts the member saw; converged = after the heal, per region.%n");
  }

  static void limitsRow(PrintStream out, List<Limited> limited, String fault, long start, long heal, int rpmLimit,
      double budget, int sides) {
    Map<Long, Integer> admittedPerMinute = new TreeMap<>();
    for (Limited l : limited) {
      long minute = l.ms() / 60_000;
      if (l.key().equals("sk-wan-rpm-limited") && l.status() == 200 && minute >= start / 60_000 && minute <= heal / 60_000) {
        admittedPerMinute.merge(minute, 1, Integer::sum);
      }
    }
    int worst = admittedPerMinute.values().stream().max(Integer::compare).orElse(0);
    double spent = 0;
    int admitted = 0;
    int refused = 0;
    for (Limited l : limited) {
      if (l.key().equals("sk-wan-budget-" + fault + "-key")) {
        if (l.status() == 200) {
          spent += l.cost();
          admitted++;
        } else if (l.status() == 429) {
          refused++;
        }
      }
    }
    out.printf(Locale.ROOT, "limits: 60 requests/min key: most admitted in a calendar minute overlapping the fault %d "
        + "(limit %d, overshoot %+d, documented bound while split: %d = the limit once per side); "
        + "budget key: $%.6f spent of $%.6f (%d admitted, %d refused; overshoot %+.0f %%, bound while split: %d x the budget)%n",
        worst, rpmLimit, worst - rpmLimit, rpmLimit * sides, spent, budget, admitted, refused,
        budget > 0 ? 100 * (spent - budget) / budget : 0, sides);
  }

  static long convergence(List<Sample> samples, String region, long heal, long next, long staleMs, int pairs) {
    List<Sample> view = select(samples, s -> s.region().equals(region) && s.ms() >= heal && s.ms() < next);
    long from = -1;
    for (Sample s : view) {
      if (s.converged(staleMs, pairs)) {
        if (from < 0) {
          from = s.ms();
        }
      } else {
        from = -1;
      }
    }
    return from;
  }

  static long convergenceAll(List<Sample> samples, long heal, long next, long staleMs, int pairs) {
    long latest = -1;
    for (String region : REGIONS) {
      long c = convergence(samples, region, heal, next, staleMs, pairs);
      if (c < 0) {
        return -1;
      }
      latest = Math.max(latest, c);
    }
    return latest;
  }

  static String summary(List<Request> requests, Predicate<Request> filter) {
    List<Request> rows = select(requests, filter);
    return String.format(Locale.ROOT, "%d requests, %d errors, p50 %s ms, p99 %s ms", rows.size(),
        rows.stream().filter(r -> !r.ok()).count(), pct(rows, 0.5), pct(rows, 0.99));
  }

  static String ownRegion(List<Request> rows, String region) {
    List<Request> ok = select(rows, Request::ok);
    if (ok.isEmpty()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f", 100.0 * ok.stream().filter(r -> r.servedRegion().equals(region)).count() / ok.size());
  }

  static String pct(List<Request> rows, double q) {
    List<Long> latencies = new ArrayList<>();
    for (Request r : rows) {
      if (r.ok()) {
        latencies.add(r.latencyMs());
      }
    }
    if (latencies.isEmpty()) {
      return "-";
    }
    Collections.sort(latencies);
    return Long.toString(latencies.get((int) Math.min(latencies.size() - 1, Math.ceil(q * latencies.size()) - 1)));
  }

  static String seconds(long ms) {
    return ms < 0 ? "-" : String.format(Locale.ROOT, "%.1f", ms / 1000.0);
  }

  static <T> List<T> select(List<T> rows, Predicate<T> filter) {
    List<T> out = new ArrayList<>();
    for (T row : rows) {
      if (filter.test(row)) {
        out.add(row);
      }
    }
    return out;
  }

  static int index(String region) {
    for (int i = 0; i < REGIONS.length; i++) {
      if (REGIONS[i].equals(region)) {
        return i;
      }
    }
    return -1;
  }

  static long at(List<Event> events, String name) {
    long ms = atOr(events, name, -1);
    if (ms < 0) {
      throw new IllegalStateException("no event '" + name + "' in events.csv");
    }
    return ms;
  }

  static long atOr(List<Event> events, String name, long fallback) {
    for (Event e : events) {
      if (e.name().equals(name)) {
        return e.ms();
      }
    }
    return fallback;
  }

  static List<String> tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return lines.isEmpty() ? lines : lines.subList(1, lines.size());
  }
}
