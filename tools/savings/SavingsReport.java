import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Savings report driver (single-file Java program, JDK only; run by tools/savings/run.sh).
 *
 * <p>Generates a seeded traffic mix (simple / moderate / complex, docs/routing.md "Savings report"),
 * sends every request to a running Meridian router with {@code "model": "auto"}, then the identical
 * request with {@code "model": <baseline>}, and reads the cost, tokens and route from the response
 * headers. Prints one report (cost per class against the baseline, latency per class, the models auto
 * chose, and whether the router classed each request as intended) and writes the raw results as JSON.
 *
 * <pre>
 * java tools/savings/SavingsReport.java --router http://127.0.0.1:8080 [--requests 400]
 *     [--mix 85,10,5] [--baseline kimi-k2.5] [--seed 42] [--concurrency 16] [--warmup 16]
 *     [--latency-scale 0.05] [--out tools/savings/results] [--timeout-s 120]
 * </pre>
 */
public final class SavingsReport {
  /** Client key sent to the routers: MERIDIAN_API_KEY, else the embedded default's public demo key. */
  static final String API_KEY =
      System.getenv().getOrDefault("MERIDIAN_API_KEY", "sk-meridian-demo-key");


  // ------------------------------------------------------------------------------------------------
  // Options
  // ------------------------------------------------------------------------------------------------

  static final String[] CLASSES = {"simple", "moderate", "complex"};

  static final class Options {
    String router;
    int requests = 400;
    int[] mix = {85, 10, 5};
    String baseline = "kimi-k2.5";
    long seed = 42;
    int concurrency = 16;
    int warmup = 16;
    double latencyScale = 0.05;
    Path out = Path.of("tools", "savings", "results");
    int timeoutS = 120;
  }

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        usage(null);
      }
      if (i + 1 >= args.length) {
        usage("missing value for " + a);
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--router" -> o.router = v.replaceAll("/+$", "");
          case "--requests" -> o.requests = positive(a, Integer.parseInt(v));
          case "--mix" -> o.mix = mix(v);
          case "--baseline" -> o.baseline = v;
          case "--seed" -> o.seed = Long.parseLong(v);
          case "--concurrency" -> o.concurrency = positive(a, Integer.parseInt(v));
          case "--warmup" -> o.warmup = Math.max(0, Integer.parseInt(v));
          case "--latency-scale" -> o.latencyScale = Double.parseDouble(v);
          case "--out" -> o.out = Path.of(v);
          case "--timeout-s" -> o.timeoutS = positive(a, Integer.parseInt(v));
          default -> usage("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        usage("not a number for " + a + ": " + v);
      }
    }
    if (o.router == null) {
      usage("--router is required");
    }
    return o;
  }

  static int positive(String name, int v) {
    if (v < 1) {
      usage(name + " must be >= 1");
    }
    return v;
  }

  static int[] mix(String v) {
    String[] parts = v.split(",");
    if (parts.length != 3) {
      usage("--mix takes three percentages simple,moderate,complex, e.g. 85,10,5");
    }
    int[] m = new int[3];
    int sum = 0;
    for (int i = 0; i < 3; i++) {
      m[i] = Integer.parseInt(parts[i].trim());
      if (m[i] < 0) {
        usage("--mix shares must be >= 0");
      }
      sum += m[i];
    }
    if (sum != 100) {
      usage("--mix must add up to 100, got " + sum);
    }
    return m;
  }

  static void usage(String error) {
    if (error != null) {
      System.err.println("SavingsReport: " + error);
    }
    System.err.println(
        "usage: java tools/savings/SavingsReport.java --router URL [--requests 400] [--mix 85,10,5]\n"
            + "         [--baseline kimi-k2.5] [--seed 42] [--concurrency 16] [--warmup 16]\n"
            + "         [--latency-scale 0.05] [--out tools/savings/results] [--timeout-s 120]");
    System.exit(error == null ? 0 : 2);
  }

  // ------------------------------------------------------------------------------------------------
  // Traffic generation: small templates, filled from word banks by one seeded Random
  // ------------------------------------------------------------------------------------------------

  /** One generated request: the body is built with a placeholder model, sent twice. */
  record Generated(int id, String intended, String kind, int messages, Integer maxTokens, String preview, String bodyTemplate) {
    String body(String model) {
      return bodyTemplate.replace(MODEL_PLACEHOLDER, model);
    }
  }

  static final String MODEL_PLACEHOLDER = "\u0000MODEL\u0000";

  static final class Gen {
    final Random r;

    Gen(long seed) {
      r = new Random(seed);
    }

    String pick(String... xs) {
      return xs[r.nextInt(xs.length)];
    }

    int between(int lo, int hi) {
      return lo + r.nextInt(hi - lo + 1);
    }

    boolean chance(double p) {
      return r.nextDouble() < p;
    }
  }

  // Word banks. Written to avoid the classifier's complex keywords except where a real user would
  // naturally type them; the confusion table reports whatever the router makes of them.
  static final String[] COUNTRIES = {"Portugal", "Kenya", "Canada", "Vietnam", "Chile", "Norway", "Egypt", "New Zealand", "Peru", "Poland"};
  static final String[][] UNITS = {{"ounces", "pound"}, {"centimetres", "metre"}, {"minutes", "day"}, {"bytes", "kilobyte"}, {"feet", "mile"}, {"seconds", "week"}, {"millilitres", "litre"}};
  static final String[] ACRONYMS = {"HTTP", "NASA", "GDP", "CPU", "JSON", "UNESCO", "RAM", "OKR", "SLA", "VAT"};
  static final String[] WORDS = {"happy", "fast", "important", "difficult", "beautiful", "quiet", "strong", "clever", "tired", "bright"};
  static final String[] HABITS = {"sleep", "handwriting", "posture", "typing speed", "focus at work", "running pace", "public speaking"};
  static final String[] PHRASES = {"Where is the train station?", "Thank you for your help", "The meeting is at noon", "I would like a coffee, please", "See you tomorrow"};
  static final String[] LANGUAGES = {"French", "Spanish", "German", "Japanese", "Italian", "Portuguese"};
  static final String[] PRODUCTS = {"blender", "headphones", "hotel room", "delivery", "laptop", "pizza", "customer service", "app"};
  static final String[] GOOD = {"excellent", "great", "fast", "friendly", "solid", "spotless"};
  static final String[] BAD = {"slow", "broken", "rude", "overpriced", "noisy", "late"};
  static final String[] SPAM = {
      "Congratulations! You won a $500 gift card. Click here to claim it within 24 hours.",
      "Hi Sam, can we move tomorrow's sync to 3pm? Thanks, Priya",
      "URGENT: your account will be suspended, confirm your password at the link below.",
      "Your order #4471 has shipped and should arrive on Thursday.",
      "Cheap meds, no prescription needed, best prices online!!!",
      "Reminder: the quarterly planning doc is due on Friday."};
  static final String[] TICKETS = {
      "I was charged twice for my subscription this month.",
      "My package says delivered but it is not at my door.",
      "The app crashes every time I open the settings page.",
      "Can I change the email address on my account?",
      "The invoice shows the wrong company name.",
      "Tracking has not updated in five days."};
  static final String[] DATES = {"March 5th, 2024", "5/3/24", "the 21st of July 2023", "Dec 1 2022", "2021, October 9", "Jan. 30, 2025"};
  static final String[] NAMES = {"Olivia", "Mateo", "Aisha", "Chen", "Lukas", "Sofia", "Ravi", "Emma", "Kwame", "Yuki", "Noah", "Ines"};
  static final String[] CITIES = {"Lisbon", "Nairobi", "Toronto", "Hanoi", "Santiago", "Oslo", "Cairo", "Auckland", "Lima", "Krakow"};
  static final String[] TEAMS = {"platform", "payments", "mobile", "data", "support", "growth", "security", "infrastructure"};
  static final String[] METRICS = {"checkout conversion", "p95 latency", "weekly active users", "ticket backlog", "cloud spend", "churn", "error rate"};
  static final String[] WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};

  /** Sentences for paragraphs and long documents: business prose, no code, no reasoning directives. */
  static String sentence(Gen g) {
    String team = g.pick(TEAMS);
    String metric = g.pick(METRICS);
    int pct = g.between(2, 40);
    String day = g.pick(WEEKDAYS);
    String name = g.pick(NAMES);
    return switch (g.r.nextInt(12)) {
      case 0 -> "The " + team + " team reported that " + metric + " moved by " + pct + "% since the last review.";
      case 1 -> name + " will own the follow-up with the vendor and share notes by " + day + ".";
      case 2 -> "We agreed to pause the " + team + " migration until the load tests pass on staging.";
      case 3 -> "Customers in " + g.pick(CITIES) + " asked for invoices in their local currency.";
      case 4 -> "The budget for the next quarter keeps " + team + " headcount flat but adds " + g.between(1, 4) + " contractors.";
      case 5 -> "An incident on " + day + " took the " + team + " dashboard offline for " + g.between(5, 90) + " minutes.";
      case 6 -> name + " noted that " + metric + " is still above the target set in the spring.";
      case 7 -> "The legal review of the new data retention policy is expected to finish by the end of the month.";
      case 8 -> "Several people said the weekly status email is too long and nobody reads past the first section.";
      case 9 -> "The " + team + " roadmap now lists " + g.between(3, 9) + " items, of which two are carried over.";
      case 10 -> "Support volume dropped after the help centre articles were rewritten in plain language.";
      default -> "Next " + day + " the group meets again to confirm owners and dates for each action item.";
    };
  }

  static String paragraph(Gen g, int sentences) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sentences; i++) {
      sb.append(i == 0 ? "" : " ").append(sentence(g));
    }
    return sb.toString();
  }

  /** Builds an OpenAI chat body; the model is a placeholder so auto and baseline send identical bytes otherwise. */
  static final class Body {
    final List<String[]> messages = new ArrayList<>();
    Integer maxTokens;
    String toolsJson;

    Body msg(String role, String content) {
      messages.add(new String[] {role, content});
      return this;
    }

    String json() {
      StringBuilder sb = new StringBuilder("{\"model\":\"").append(MODEL_PLACEHOLDER).append("\",\"messages\":[");
      for (int i = 0; i < messages.size(); i++) {
        sb.append(i == 0 ? "" : ",").append("{\"role\":").append(q(messages.get(i)[0]))
            .append(",\"content\":").append(q(messages.get(i)[1])).append('}');
      }
      sb.append(']');
      if (maxTokens != null) {
        sb.append(",\"max_tokens\":").append(maxTokens);
      }
      if (toolsJson != null) {
        sb.append(",\"tools\":").append(toolsJson);
      }
      return sb.append('}').toString();
    }

    String lastUser() {
      for (int i = messages.size() - 1; i >= 0; i--) {
        if (messages.get(i)[0].equals("user")) {
          return messages.get(i)[1];
        }
      }
      return "";
    }
  }

  // --- simple: short questions, classification, formatting, short summaries ---------------------

  static String[] simple(Gen g, Body b) {
    if (g.chance(0.3)) {
      b.msg("system", g.pick("You are a concise assistant.", "You are a helpful assistant. Keep answers short.", "Answer briefly."));
    }
    if (g.chance(0.15)) {
      b.msg("user", "Hi, quick question.").msg("assistant", "Sure, go ahead.");
    }
    String kind;
    String prompt;
    switch (g.r.nextInt(4)) {
      case 0 -> {
        kind = "question";
        prompt = switch (g.r.nextInt(7)) {
          case 0 -> "What is the capital of " + g.pick(COUNTRIES) + "?";
          case 1 -> {
            String[] u = UNITS[g.r.nextInt(UNITS.length)];
            yield "How many " + u[0] + " are in a " + u[1] + "?";
          }
          case 2 -> "What does " + g.pick(ACRONYMS) + " stand for?";
          case 3 -> "Give me " + g.between(3, 5) + " synonyms for \"" + g.pick(WORDS) + "\".";
          case 4 -> "How can I improve my " + g.pick(HABITS) + "?";
          case 5 -> "Translate \"" + g.pick(PHRASES) + "\" into " + g.pick(LANGUAGES) + ".";
          default -> "What time zone is " + g.pick(CITIES) + " in?";
        };
        b.maxTokens = g.chance(0.3) ? null : g.between(60, 300);
      }
      case 1 -> {
        kind = "classification";
        prompt = switch (g.r.nextInt(3)) {
          case 0 -> "Classify the sentiment of this review as positive, negative or neutral. Reply with one word.\n\n\"The "
              + g.pick(PRODUCTS) + " was " + g.pick(GOOD) + " but the " + g.pick(PRODUCTS) + " was " + g.pick(BAD) + ".\"";
          case 1 -> "Is this message spam? Answer yes or no.\n\n" + g.pick(SPAM);
          default -> "Label this support ticket as billing, shipping, technical or other. Reply with the label only.\n\nTicket: " + g.pick(TICKETS);
        };
        b.maxTokens = g.between(5, 20);
      }
      case 2 -> {
        kind = "formatting";
        prompt = switch (g.r.nextInt(3)) {
          case 0 -> "Convert " + g.pick(DATES) + " to an ISO 8601 date.";
          case 1 -> {
            List<String> names = new ArrayList<>(List.of(NAMES));
            Collections.shuffle(names, g.r);
            yield "Format these names as a comma-separated list, sorted alphabetically: " + String.join(" ", names.subList(0, g.between(4, 8)));
          }
          default -> "Turn this into JSON with the keys name, age and city: " + g.pick(NAMES) + " is " + g.between(19, 70)
              + " years old and lives in " + g.pick(CITIES) + ".";
        };
        b.maxTokens = g.chance(0.3) ? null : g.between(30, 120);
      }
      default -> {
        kind = "summary";
        prompt = g.chance(0.5)
            ? "Summarize this in one sentence:\n\n" + paragraph(g, g.between(3, 7))
            : "TL;DR of this email in at most 25 words:\n\nHi all,\n" + paragraph(g, g.between(3, 6)) + "\nBest,\n" + g.pick(NAMES);
        b.maxTokens = g.between(40, 120);
      }
    }
    b.msg("user", prompt);
    return new String[] {kind};
  }

  // --- moderate: code in ``` fences, documents over 600 tokens, tool definitions ----------------

  static final String[][] SNIPPETS = {
      {"python", "def average(values):\n    total = 0\n    for v in values:\n        total += v\n    return total / len(values)"},
      {"python", "def dedupe(items):\n    seen = []\n    for item in items:\n        if item not in seen:\n            seen.append(item)\n    return seen"},
      {"python", "import requests\n\ndef fetch_user(user_id):\n    r = requests.get(f\"https://api.example.com/users/{user_id}\")\n    return r.json()[\"name\"]"},
      {"javascript", "function debounce(fn, ms) {\n  let t;\n  return (...args) => {\n    clearTimeout(t);\n    t = setTimeout(() => fn(args), ms);\n  };\n}"},
      {"javascript", "async function loadAll(ids) {\n  const out = [];\n  ids.forEach(async id => {\n    out.push(await fetch(`/api/items/${id}`).then(r => r.json()));\n  });\n  return out;\n}"},
      {"java", "public static int indexOf(int[] a, int key) {\n  int lo = 0, hi = a.length;\n  while (lo < hi) {\n    int mid = (lo + hi) / 2;\n    if (a[mid] < key) lo = mid; else hi = mid;\n  }\n  return lo;\n}"},
      {"java", "Map<String, Integer> counts = new HashMap<>();\nfor (String w : words) {\n  counts.put(w, counts.get(w) + 1);\n}"},
      {"go", "func sum(ch chan int) int {\n\ttotal := 0\n\tfor v := range ch {\n\t\ttotal += v\n\t}\n\treturn total\n}"},
      {"sql", "SELECT customer_id, COUNT(*)\nFROM orders\nWHERE created_at > '2024-01-01'\nGROUP BY customer_id\nHAVING COUNT(*) > 5\nORDER BY 2;"},
      {"bash", "for f in $(ls *.log); do\n  gzip $f\ndone"}};

  static final String[] TOOLS = {
      "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather and forecast for a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}}}",
      "{\"type\":\"function\",\"function\":{\"name\":\"lookup_order\",\"description\":\"Status of a customer order by id\",\"parameters\":{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"}},\"required\":[\"order_id\"]}}}",
      "{\"type\":\"function\",\"function\":{\"name\":\"create_event\",\"description\":\"Create a calendar event\",\"parameters\":{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},\"start\":{\"type\":\"string\",\"format\":\"date-time\"},\"minutes\":{\"type\":\"integer\"}},\"required\":[\"title\",\"start\"]}}}",
      "{\"type\":\"function\",\"function\":{\"name\":\"convert_currency\",\"description\":\"Convert an amount between currencies\",\"parameters\":{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":\"number\"},\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"}},\"required\":[\"amount\",\"from\",\"to\"]}}}",
      "{\"type\":\"function\",\"function\":{\"name\":\"search_docs\",\"description\":\"Search the internal knowledge base\",\"parameters\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}},\"required\":[\"query\"]}}}"};

  static String[] moderate(Gen g, Body b) {
    String kind;
    int which = g.r.nextInt(100);
    if (which < 40) {
      kind = "code";
      String[] s = SNIPPETS[g.r.nextInt(SNIPPETS.length)];
      String ask = g.pick(
          "Why does this " + s[0] + " code not behave as expected?",
          "Add error handling to this " + s[0] + " code:",
          "Refactor this " + s[0] + " for readability and explain the changes:",
          "Write unit tests for this " + s[0] + " code:",
          "Review this " + s[0] + " snippet and point out bugs:");
      if (g.chance(0.3)) {
        b.msg("system", "You are a senior software engineer doing code review.");
      }
      b.msg("user", ask + "\n\n```" + s[0] + "\n" + s[1] + "\n```");
      b.maxTokens = g.between(300, 900);
    } else if (which < 75) {
      kind = "long-document";
      String doc = g.pick("meeting notes", "quarterly update", "customer feedback digest", "project status report");
      int targetTokens = g.between(650, 2500);
      StringBuilder text = new StringBuilder();
      while (text.length() < targetTokens * 4) {
        text.append(paragraph(g, g.between(4, 8))).append("\n\n");
      }
      b.msg("user", "Summarize the following " + doc + " in five bullet points, then list the open action items with owners.\n\n" + text);
      b.maxTokens = g.between(200, 500);
    } else {
      kind = "tools";
      List<String> tools = new ArrayList<>(List.of(TOOLS));
      Collections.shuffle(tools, g.r);
      b.toolsJson = "[" + String.join(",", tools.subList(0, g.between(1, 3))) + "]";
      b.msg("system", "You are an assistant that can call tools. Call a tool when it helps.");
      b.msg("user", g.pick(
          "What will the weather be in " + g.pick(CITIES) + " this weekend?",
          "Where is my order " + g.between(10000, 99999) + "?",
          "Book a 30 minute call with " + g.pick(NAMES) + " next " + g.pick(WEEKDAYS) + " at 10am.",
          "How much is " + g.between(20, 900) + " euros in Japanese yen?",
          "Find our internal doc about the " + g.pick(TEAMS) + " on-call rota."));
      b.maxTokens = g.between(100, 300);
    }
    return new String[] {kind};
  }

  // --- complex: step by step, proofs, long multi-turn conversations ------------------------------

  static final String[] ALGORITHMS = {"the Raft consensus algorithm", "TLS 1.3 session resumption", "a B+ tree insert with node splits",
      "Dijkstra's shortest path algorithm", "garbage collection in a generational collector", "two-phase commit", "the Paxos prepare and accept phases"};
  static final String[] TASKS = {"migrate a 2 TB PostgreSQL database to a new major version with minimal downtime",
      "design a rate limiter for a multi-region API", "plan the capacity of a Kafka cluster for 50k messages per second",
      "roll out a breaking schema change across 40 microservices", "debug a memory leak in a long-running JVM service"};
  static final String[] THEOREMS = {"the square root of 2 is irrational", "there are infinitely many primes",
      "the sum of the first n odd numbers is n squared", "every tree with n nodes has exactly n - 1 edges",
      "a graph is bipartite if and only if it has no odd cycle", "the harmonic series diverges",
      "any comparison sort needs at least n log n comparisons in the worst case"};
  static final String[][] CONVERSATIONS = {
      {"We are moving our monolith to services. Where should we start?",
          "Start with a part that changes often and has clear boundaries, such as billing or notifications.",
          "Billing talks to six other modules. Is that still a good first choice?",
          "It can be, if you first put an interface in front of it inside the monolith.",
          "What about the shared database tables?",
          "Give the new service its own schema and sync the few shared tables through events for a while.",
          "How long would that sync phase usually last?",
          "Weeks to a few months; keep it until every reader uses the service API.",
          "Our team is four people. Can we run this alongside feature work?",
          "Only if the migration work is scheduled, for example one person rotating on it each sprint.",
          "What should we monitor during the cut-over?",
          "Error rates and latency of both paths, and a reconciliation job comparing their results.",
          "And if the numbers disagree?",
          "Route traffic back to the monolith path and investigate before trying again.",
          "Who should decide when the old billing code can be deleted?",
          "The team that owns billing, once a full month passes without any traffic on the old path.",
          "Can you summarize the whole plan as a checklist with owners and rough dates for a four-person team?"},
      {"Our nightly ETL job started taking nine hours instead of two.",
          "Did the input volume change, or did the job or its infrastructure change?",
          "The input grew about 20% and we upgraded Spark last week.",
          "A 20% increase would not explain 4.5x; the upgrade is the first suspect.",
          "The stage that slowed down is a join between orders and customers.",
          "Check whether the broadcast join became a sort-merge join after the upgrade.",
          "The plan shows a sort-merge join now. The customers table is 3 GB.",
          "The default broadcast threshold is far below that; before it may have been raised in config.",
          "We did have a custom config file that was not migrated.",
          "Restoring it would likely bring back the broadcast join.",
          "Is broadcasting 3 GB safe on executors with 16 GB?",
          "It is tight; consider filtering customers to the active ones first.",
          "Active customers are about a third.",
          "Then about 1 GB would be broadcast, which is more comfortable.",
          "Could we also cache the filtered customers table between runs?",
          "Yes, if it changes slowly; refresh it once a day before the main job starts.",
          "Please put together the full remediation plan, what to test first, and how to keep this from regressing on the next upgrade."},
      {"I am designing a course on data engineering for beginners.",
          "Who are the students and how many weeks do you have?",
          "Analysts who know SQL, twelve weeks, three hours a week.",
          "Then start from SQL they know and add pipelines, orchestration and data quality.",
          "Should we teach Python early?",
          "Yes, in week two or three, limited to what pipelines need.",
          "What about cloud platforms?",
          "Pick one and use it throughout; comparisons can come at the end.",
          "How should we assess them?",
          "A running project that grows each week works better than exams.",
          "What project would you suggest?",
          "A pipeline that ingests public transit data and reports delays daily.",
          "Where do students usually get stuck?",
          "Orchestration concepts and debugging failed runs.",
          "How much reading should we assign each week?",
          "One short article or chapter; most of the time should go to the project.",
          "Write the full twelve-week syllabus with weekly goals, exercises and how each week builds on the project."}};

  static String[] complex(Gen g, Body b) {
    String kind;
    int which = g.r.nextInt(100);
    if (which < 40) {
      kind = "step-by-step";
      b.msg("user", g.chance(0.5)
          ? "Explain step by step how " + g.pick(ALGORITHMS) + " works, including the failure cases."
          : "Walk me through, step by step, how to " + g.pick(TASKS) + ". Include the risks at each step.");
      b.maxTokens = g.between(800, 1500);
    } else if (which < 70) {
      kind = "proof";
      b.msg("user", g.chance(0.8)
          ? "Prove that " + g.pick(THEOREMS) + "."
          : "Derive the closed form of the sum 1 + 2 + ... + n and prove it by induction.");
      b.maxTokens = g.between(600, 1200);
    } else {
      kind = "long-conversation";
      String[] turns = CONVERSATIONS[g.r.nextInt(CONVERSATIONS.length)];
      b.msg("system", "You are an experienced engineering advisor.");
      // Drop 0 or 1 middle exchange so conversations differ: 16 or 18 messages with the system prompt.
      List<String> kept = new ArrayList<>(List.of(turns));
      if (g.chance(0.5)) {
        int at = 2 * g.between(1, (kept.size() - 3) / 2);
        kept.remove(at);
        kept.remove(at);
      }
      for (int i = 0; i < kept.size(); i++) {
        b.msg(i % 2 == 0 ? "user" : "assistant", kept.get(i));
      }
      b.maxTokens = g.between(500, 1200);
    }
    return new String[] {kind};
  }

  static List<Generated> generate(Options o) {
    // Exact class counts by largest remainder, then a seeded shuffle of the order.
    int[] counts = new int[3];
    double[] rem = new double[3];
    int assigned = 0;
    for (int i = 0; i < 3; i++) {
      double exact = o.requests * o.mix[i] / 100.0;
      counts[i] = (int) Math.floor(exact);
      rem[i] = exact - counts[i];
      assigned += counts[i];
    }
    while (assigned < o.requests) {
      int best = 0;
      for (int i = 1; i < 3; i++) {
        if (rem[i] > rem[best]) {
          best = i;
        }
      }
      counts[best]++;
      rem[best] = -1;
      assigned++;
    }
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      order.addAll(Collections.nCopies(counts[i], CLASSES[i]));
    }
    Gen g = new Gen(o.seed);
    Collections.shuffle(order, g.r);
    List<Generated> out = new ArrayList<>();
    for (int id = 0; id < order.size(); id++) {
      out.add(one(g, id, order.get(id)));
    }
    return out;
  }

  static Generated one(Gen g, int id, String cls) {
    Body b = new Body();
    String[] kind = switch (cls) {
      case "simple" -> simple(g, b);
      case "moderate" -> moderate(g, b);
      default -> complex(g, b);
    };
    String last = b.lastUser().replaceAll("\\s+", " ");
    String preview = last.length() > 70 ? last.substring(0, 67) + "..." : last;
    return new Generated(id, cls, kind[0], b.messages.size(), b.maxTokens, preview, b.json());
  }

  // ------------------------------------------------------------------------------------------------
  // Sending
  // ------------------------------------------------------------------------------------------------

  /** What one response said about itself. */
  record Outcome(int status, double ms, String model, String region, String tier, String classed, String rule,
      String reason, BigDecimal cost, long promptTokens, long completionTokens, String usageSource, String attempts, String error) {
    boolean ok() {
      return status == 200 && cost != null;
    }
  }

  record Result(Generated req, Outcome auto, Outcome baseline) {}

  static final Pattern TIER = Pattern.compile("tier=([\\w-]+)");
  static final Pattern CLASS = Pattern.compile("class=(\\w+)(?: \\(([^)]*)\\))?");

  static Outcome send(HttpClient client, Options o, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(o.router + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(o.timeoutS))
        .header("content-type", "application/json")
        .header("authorization", "Bearer " + API_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      double ms = (System.nanoTime() - start) / 1e6;
      return new Outcome(0, ms, null, null, null, null, null, null, null, 0, 0, null, null, e.toString());
    }
    double ms = (System.nanoTime() - start) / 1e6;
    var h = response.headers();
    String reason = h.firstValue("x-meridian-route-reason").orElse("");
    Matcher tier = TIER.matcher(reason);
    Matcher cls = CLASS.matcher(reason);
    boolean hasClass = cls.find();
    String costText = h.firstValue("x-meridian-cost-usd").orElse(null);
    String error = response.statusCode() == 200 ? null : response.body().length() > 300 ? response.body().substring(0, 300) : response.body();
    return new Outcome(
        response.statusCode(),
        ms,
        h.firstValue("x-meridian-model").orElse(null),
        h.firstValue("x-meridian-region").orElse(null),
        tier.find() ? tier.group(1) : null,
        hasClass ? cls.group(1) : null,
        hasClass ? cls.group(2) : null,
        reason,
        costText == null ? null : new BigDecimal(costText),
        h.firstValue("x-meridian-prompt-tokens").map(Long::parseLong).orElse(0L),
        h.firstValue("x-meridian-completion-tokens").map(Long::parseLong).orElse(0L),
        h.firstValue("x-meridian-usage-source").orElse(null),
        h.firstValue("x-meridian-attempts").orElse(null),
        error);
  }

  // ------------------------------------------------------------------------------------------------
  // Statistics and report
  // ------------------------------------------------------------------------------------------------

  /** Nearest-rank percentile of an ascending list. */
  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  static final class Stats {
    final String name;
    int requests;
    int pairs; // both auto and baseline answered 200 with a cost
    int autoErrors;
    int baselineErrors;
    BigDecimal autoCost = BigDecimal.ZERO;
    BigDecimal baseCost = BigDecimal.ZERO;
    long autoPrompt, autoCompletion, basePrompt, baseCompletion;
    final List<Double> autoMs = new ArrayList<>();
    final List<Double> baseMs = new ArrayList<>();
    final Map<String, Integer> tiers = new LinkedHashMap<>();
    final Map<String, Integer> models = new LinkedHashMap<>();
    final Map<String, Integer> regions = new LinkedHashMap<>();

    Stats(String name) {
      this.name = name;
    }

    void add(Result r) {
      requests++;
      if (r.auto().ok()) {
        autoMs.add(r.auto().ms());
        tiers.merge(String.valueOf(r.auto().tier()), 1, Integer::sum);
        models.merge(String.valueOf(r.auto().model()), 1, Integer::sum);
        regions.merge(String.valueOf(r.auto().region()), 1, Integer::sum);
      } else {
        autoErrors++;
      }
      if (r.baseline().ok()) {
        baseMs.add(r.baseline().ms());
      } else {
        baselineErrors++;
      }
      if (r.auto().ok() && r.baseline().ok()) {
        pairs++;
        autoCost = autoCost.add(r.auto().cost());
        baseCost = baseCost.add(r.baseline().cost());
        autoPrompt += r.auto().promptTokens();
        autoCompletion += r.auto().completionTokens();
        basePrompt += r.baseline().promptTokens();
        baseCompletion += r.baseline().completionTokens();
      }
    }

    void sort() {
      Collections.sort(autoMs);
      Collections.sort(baseMs);
    }

    Double saving() {
      if (baseCost.signum() == 0) {
        return null;
      }
      return baseCost.subtract(autoCost).divide(baseCost, 10, RoundingMode.HALF_UP).doubleValue() * 100;
    }
  }

  static String top(Map<String, Integer> counts, int n) {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
    list.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, list.size()); i++) {
      sb.append(i == 0 ? "" : ", ").append(list.get(i).getKey()).append(' ').append(list.get(i).getValue());
    }
    if (list.size() > n) {
      int rest = list.subList(n, list.size()).stream().mapToInt(Map.Entry::getValue).sum();
      sb.append(", other ").append(rest);
    }
    return sb.length() == 0 ? "-" : sb.toString();
  }

  static String usd(BigDecimal d) {
    return "$" + d.setScale(4, RoundingMode.HALF_UP).toPlainString();
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }

  static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", v);
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(Executors.newFixedThreadPool(4))
        .build();

    // The baseline must be a catalog model, or every baseline request would be a 404.
    HttpResponse<String> models = client.send(
        HttpRequest.newBuilder(URI.create(o.router + "/v1/models")).timeout(Duration.ofSeconds(10))
            .header("authorization", "Bearer " + API_KEY).build(),
        HttpResponse.BodyHandlers.ofString());
    if (models.statusCode() != 200 || !models.body().contains("\"id\":\"" + o.baseline + "\"")) {
      System.err.println("SavingsReport: baseline model '" + o.baseline + "' is not in " + o.router + "/v1/models");
      System.exit(2);
    }

    List<Generated> traffic = generate(o);

    // Warm-up: the same kind of traffic from another seed, not counted (JIT, connection pools).
    if (o.warmup > 0) {
      Gen wg = new Gen(o.seed ^ 0x5EEDL);
      ExecutorService warm = Executors.newFixedThreadPool(Math.min(o.concurrency, o.warmup));
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < o.warmup; i++) {
        Generated w = one(wg, -1, CLASSES[i % 3 == 0 ? 1 : 0]);
        fs.add(warm.submit(() -> send(client, o, w.body("auto"))));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      warm.shutdown();
    }

    System.err.printf(Locale.ROOT, "savings: %d requests (mix %d/%d/%d), each sent as auto and as %s, %d at a time%n",
        traffic.size(), o.mix[0], o.mix[1], o.mix[2], o.baseline, o.concurrency);
    loadStart = loadAverage();
    ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(o.concurrency);
    long started = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    int step = Math.max(1, traffic.size() / 10);
    for (Generated g : traffic) {
      futures.add(pool.submit(() -> {
        Outcome auto = send(client, o, g.body("auto"));
        Outcome base = send(client, o, g.body(o.baseline));
        results.add(new Result(g, auto, base));
        int n = done.incrementAndGet();
        if (n % step == 0 || n == traffic.size()) {
          System.err.printf(Locale.ROOT, "savings: %d/%d done (%.1f s)%n", n, traffic.size(), (System.nanoTime() - started) / 1e9);
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double wallS = (System.nanoTime() - started) / 1e9;
    loadEnd = loadAverage();

    List<Result> all = new ArrayList<>(results);
    all.sort(Comparator.comparingInt(r -> r.req().id()));
    String report = report(o, all, wallS);
    System.out.print(report);
    Path json = writeJson(o, all, wallS, report);
    System.out.println("Results: " + json + " (and " + o.out.resolve("savings-latest.json") + ")");
    int failed = (int) all.stream().filter(r -> !r.auto().ok() || !r.baseline().ok()).count();
    System.exit(failed == 0 ? 0 : 1);
  }

  static String loadStart = "?";
  static String loadEnd = "?";

  /** The host's 1-minute load average (Linux), to judge how much CPU contention the latencies carry. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  static String report(Options o, List<Result> all, double wallS) {
    Map<String, Stats> byClass = new LinkedHashMap<>();
    for (String c : CLASSES) {
      byClass.put(c, new Stats(c));
    }
    Stats total = new Stats("total");
    int[][] confusion = new int[3][4]; // intended x (simple, moderate, complex, none)
    Map<String, int[]> mismatchGroups = new LinkedHashMap<>();
    Map<String, String> mismatchExample = new LinkedHashMap<>();
    BigDecimal mismatchAutoCost = BigDecimal.ZERO;
    for (Result r : all) {
      byClass.get(r.req().intended()).add(r);
      total.add(r);
      int ri = List.of(CLASSES).indexOf(r.req().intended());
      int col = r.auto().classed() == null ? 3 : List.of(CLASSES).indexOf(r.auto().classed());
      confusion[ri][col < 0 ? 3 : col]++;
      if (r.auto().ok() && !r.req().intended().equals(r.auto().classed())) {
        String key = r.req().intended() + " -> " + r.auto().classed() + " (" + r.auto().rule() + "), " + r.req().kind();
        mismatchGroups.computeIfAbsent(key, k -> new int[1])[0]++;
        mismatchExample.putIfAbsent(key, r.req().preview());
        if (r.baseline().ok()) {
          mismatchAutoCost = mismatchAutoCost.add(r.auto().cost());
        }
      }
    }
    byClass.values().forEach(Stats::sort);
    total.sort();

    StringBuilder sb = new StringBuilder();
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    sb.append(String.format(Locale.ROOT,
        "Meridian savings report  %s%n%d requests sent as model \"auto\", each replayed as \"%s\" (baseline)%n"
            + "mix simple/moderate/complex %d/%d/%d %%, seed %d, concurrency %d, warm-up %d, wall %.1f s, router %s%n%n",
        now, all.size(), o.baseline, o.mix[0], o.mix[1], o.mix[2], o.seed, o.concurrency, o.warmup, wallS, o.router));

    String baseCol = "$ " + o.baseline;
    int bw = Math.max(13, baseCol.length());
    String row = "%-9s %8s | %7s %7s %7s | %7s %7s | %11s %" + bw + "s %8s%n";
    String head = String.format(Locale.ROOT, row, "class", "requests", "mean", "p50", "p95", "p50", "p95", "$ auto", baseCol, "saving");
    sb.append(String.format(Locale.ROOT, "%-18s | %-23s | %-15s |%n", "", "latency via auto (ms)", "baseline (ms)"));
    sb.append(head);
    sb.append("-".repeat(head.length() - 1)).append('\n');
    List<Stats> rows = new ArrayList<>(byClass.values());
    rows.add(total);
    for (Stats s : rows) {
      if (s == total) {
        sb.append("-".repeat(head.length() - 1)).append('\n');
      }
      sb.append(String.format(Locale.ROOT, row,
          s.name, String.valueOf(s.requests), ms(mean(s.autoMs)), ms(percentile(s.autoMs, 50)), ms(percentile(s.autoMs, 95)),
          ms(percentile(s.baseMs, 50)), ms(percentile(s.baseMs, 95)), usd(s.autoCost), usd(s.baseCost), pct(s.saving())));
    }
    sb.append(String.format(Locale.ROOT, "%nTokens (auto / %s): prompt %d / %d, completion %d / %d; costs from x-meridian-cost-usd.%n",
        o.baseline, total.autoPrompt, total.basePrompt, total.autoCompletion, total.baseCompletion));

    sb.append("\nRoutes auto chose, by intended class (tier from x-meridian-route-reason; x-meridian-model and\n"
        + "x-meridian-region, top 3; the router serves us-east):\n");
    for (Stats s : byClass.values()) {
      sb.append(String.format(Locale.ROOT, "  %-9s tiers:   %s%n  %-9s models:  %s%n  %-9s regions: %s%n",
          s.name, top(s.tiers, 3), "", top(s.models, 3), "", top(s.regions, 3)));
    }

    sb.append("\nClassification (rows: intended class; columns: class in x-meridian-route-reason):\n");
    sb.append(String.format(Locale.ROOT, "  %-10s %8s %8s %8s %8s%n", "intended", "simple", "moderate", "complex", "none"));
    int agree = 0;
    for (int i = 0; i < 3; i++) {
      sb.append(String.format(Locale.ROOT, "  %-10s %8d %8d %8d %8d%n", CLASSES[i], confusion[i][0], confusion[i][1], confusion[i][2], confusion[i][3]));
      agree += confusion[i][i];
    }
    sb.append(String.format(Locale.ROOT, "  agreement %d/%d (%.1f%%)%n", agree, all.size(), 100.0 * agree / Math.max(1, all.size())));
    if (!mismatchGroups.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "  mismatches cost %s via auto (%.1f%% of the auto total):%n", usd(mismatchAutoCost),
          total.autoCost.signum() == 0 ? 0.0 : mismatchAutoCost.multiply(BigDecimal.valueOf(100)).divide(total.autoCost, 6, RoundingMode.HALF_UP).doubleValue()));
      for (Map.Entry<String, int[]> e : mismatchGroups.entrySet()) {
        sb.append(String.format(Locale.ROOT, "    %3d x %s, e.g. \"%s\"%n", e.getValue()[0], e.getKey(), mismatchExample.get(e.getKey())));
      }
    }

    if (total.autoErrors + total.baselineErrors > 0) {
      sb.append(String.format(Locale.ROOT, "%nErrors: %d auto, %d baseline (left out of costs and latencies); first ones:%n",
          total.autoErrors, total.baselineErrors));
      all.stream().flatMap(r -> java.util.stream.Stream.of(r.auto(), r.baseline())).filter(x -> !x.ok()).limit(5)
          .forEach(x -> sb.append("  ").append(x.status()).append(' ').append(x.error()).append('\n'));
    }

    double unscale = o.latencyScale > 0 ? 1 / o.latencyScale : Double.NaN;
    sb.append(String.format(Locale.ROOT,
        "%nLatency: wall clock at the client, request sent to last byte (non-streaming), simulator at latency%n"
            + "scale %s, i.e. every simulated delay (TTFT, generation at the model's tokens/s, inter-region RTT) is x%s.%n"
            + "Un-scaled estimate: multiply by %s (1/scale); Meridian's and the client's own time is not scaled, so the%n"
            + "product slightly overstates it. Saving = (baseline - auto) / baseline over requests both answered;%n"
            + "percentiles are nearest-rank. Host load average (1 min) %s at the start, %s at the end, %d CPUs:%n"
            + "client, router and simulator share them, so a busy host adds to every latency.%n",
        trim(o.latencyScale), trim(o.latencyScale), Double.isNaN(unscale) ? "-" : trim(unscale),
        loadStart, loadEnd, Runtime.getRuntime().availableProcessors()));
    return sb.toString();
  }

  static String trim(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  // ------------------------------------------------------------------------------------------------
  // JSON output (hand-written: no dependencies)
  // ------------------------------------------------------------------------------------------------

  static String q(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  static String num(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? "null" : String.format(Locale.ROOT, "%.3f", d);
  }

  static String outcomeJson(Outcome x) {
    return "{\"status\":" + x.status() + ",\"ms\":" + num(x.ms()) + ",\"model\":" + q(x.model()) + ",\"region\":" + q(x.region())
        + ",\"tier\":" + q(x.tier()) + ",\"class\":" + q(x.classed()) + ",\"rule\":" + q(x.rule())
        + ",\"routeReason\":" + q(x.reason()) + ",\"costUsd\":" + (x.cost() == null ? "null" : x.cost().toPlainString())
        + ",\"promptTokens\":" + x.promptTokens() + ",\"completionTokens\":" + x.completionTokens()
        + ",\"usageSource\":" + q(x.usageSource()) + ",\"attempts\":" + q(x.attempts()) + ",\"error\":" + q(x.error()) + "}";
  }

  static Path writeJson(Options o, List<Result> all, double wallS, String report) throws IOException {
    Files.createDirectories(o.out);
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"generatedAt\": ").append(q(Instant.now().toString())).append(",\n");
    sb.append("  \"config\": {\"router\": ").append(q(o.router)).append(", \"requests\": ").append(o.requests)
        .append(", \"mix\": {\"simple\": ").append(o.mix[0]).append(", \"moderate\": ").append(o.mix[1])
        .append(", \"complex\": ").append(o.mix[2]).append("}, \"baseline\": ").append(q(o.baseline))
        .append(", \"seed\": ").append(o.seed).append(", \"concurrency\": ").append(o.concurrency)
        .append(", \"warmup\": ").append(o.warmup).append(", \"latencyScale\": ").append(o.latencyScale).append("},\n");
    sb.append("  \"host\": {\"cpus\": ").append(Runtime.getRuntime().availableProcessors())
        .append(", \"loadAverageStart\": ").append(q(loadStart)).append(", \"loadAverageEnd\": ").append(q(loadEnd)).append("},\n");
    sb.append("  \"wallSeconds\": ").append(num(wallS)).append(",\n");
    sb.append("  \"classes\": {");
    Map<String, Stats> byClass = new LinkedHashMap<>();
    for (String c : CLASSES) {
      byClass.put(c, new Stats(c));
    }
    Stats total = new Stats("total");
    for (Result r : all) {
      byClass.get(r.req().intended()).add(r);
      total.add(r);
    }
    List<Stats> rows = new ArrayList<>(byClass.values());
    rows.add(total);
    for (int i = 0; i < rows.size(); i++) {
      Stats s = rows.get(i);
      s.sort();
      sb.append(i == 0 ? "\n" : ",\n").append("    ").append(q(s.name)).append(": {\"requests\": ").append(s.requests)
          .append(", \"pairs\": ").append(s.pairs).append(", \"autoErrors\": ").append(s.autoErrors)
          .append(", \"baselineErrors\": ").append(s.baselineErrors)
          .append(", \"autoCostUsd\": ").append(s.autoCost.toPlainString())
          .append(", \"baselineCostUsd\": ").append(s.baseCost.toPlainString())
          .append(", \"savingPercent\": ").append(s.saving() == null ? "null" : num(s.saving()))
          .append(", \"autoLatencyMs\": {\"mean\": ").append(num(mean(s.autoMs))).append(", \"p50\": ")
          .append(num(percentile(s.autoMs, 50))).append(", \"p95\": ").append(num(percentile(s.autoMs, 95))).append('}')
          .append(", \"baselineLatencyMs\": {\"mean\": ").append(num(mean(s.baseMs))).append(", \"p50\": ")
          .append(num(percentile(s.baseMs, 50))).append(", \"p95\": ").append(num(percentile(s.baseMs, 95))).append('}')
          .append(", \"tiers\": ").append(countsJson(s.tiers)).append(", \"models\": ").append(countsJson(s.models))
          .append(", \"regions\": ").append(countsJson(s.regions)).append('}');
    }
    sb.append("\n  },\n  \"requests\": [");
    for (int i = 0; i < all.size(); i++) {
      Result r = all.get(i);
      Generated g = r.req();
      sb.append(i == 0 ? "\n" : ",\n").append("    {\"id\": ").append(g.id()).append(", \"intended\": ").append(q(g.intended()))
          .append(", \"kind\": ").append(q(g.kind())).append(", \"messages\": ").append(g.messages())
          .append(", \"maxTokens\": ").append(g.maxTokens() == null ? "null" : g.maxTokens().toString())
          .append(", \"preview\": ").append(q(g.preview()))
          .append(",\n     \"auto\": ").append(outcomeJson(r.auto()))
          .append(",\n     \"baseline\": ").append(outcomeJson(r.baseline())).append('}');
    }
    sb.append("\n  ],\n  \"report\": ").append(q(report)).append("\n}\n");
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    Path file = o.out.resolve("savings-" + stamp + ".json");
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    Files.copy(file, o.out.resolve("savings-latest.json"), StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  static String countsJson(Map<String, Integer> counts) {
    StringBuilder sb = new StringBuilder("{");
    int i = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      sb.append(i++ == 0 ? "" : ", ").append(q(e.getKey())).append(": ").append(e.getValue());
    }
    return sb.append('}').toString();
  }
}
