package dev.meridian.bench;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Catalogs, health snapshots and request bodies shared by the benchmarks; deterministic (seeded). */
final class Fixtures {
  private Fixtures() {}

  static final int SYNTHETIC_REGIONS = 10;

  /** The built-in catalog: 15 models in 3 regions (45 endpoints). */
  static Catalog defaultCatalog() {
    return CatalogLoader.loadDefault();
  }

  /**
   * {@code endpoints} endpoints (a multiple of 10): endpoints / 10 models of tier "budget", each served
   * in 10 regions by one provider, so a request for the tier ranks all of them and a request for one
   * model ranks 10.
   */
  static Catalog syntheticCatalog(int endpoints) {
    int models = endpoints / SYNTHETIC_REGIONS;
    StringBuilder json = new StringBuilder("{\"version\":\"bench-synthetic-" + endpoints + "\",\"regions\":[");
    for (int r = 0; r < SYNTHETIC_REGIONS; r++) {
      json.append(r == 0 ? "" : ",").append("{\"id\":\"").append(region(r)).append("\",\"name\":\"R").append(r).append("\"}");
    }
    json.append("],\"providers\":[{\"id\":\"synth\",\"name\":\"Synthetic\",\"baseUrls\":{");
    for (int r = 0; r < SYNTHETIC_REGIONS; r++) {
      json.append(r == 0 ? "" : ",").append('"').append(region(r)).append("\":\"http://127.0.0.1:9/").append(region(r)).append("/synth/v1\"");
    }
    json.append("}}],\"models\":[");
    Random random = new Random(7);
    for (int m = 0; m < models; m++) {
      json.append(m == 0 ? "" : ",")
          .append("{\"id\":\"").append(model(m)).append("\",\"provider\":\"synth\",\"family\":\"synth\",")
          .append("\"tier\":\"budget\",\"capabilities\":[\"tools\"],\"contextWindow\":131072,")
          .append("\"price\":{\"inputPerMillion\":0.05,\"outputPerMillion\":0.2},")
          .append("\"nominal\":{\"ttftMs\":").append(100 + random.nextInt(900))
          .append(",\"tokensPerSecond\":").append(20 + random.nextInt(180)).append("}}");
    }
    json.append("]}");
    return CatalogLoader.parse(json.toString(), "synthetic");
  }

  static String region(int r) {
    return String.format("r%02d", r);
  }

  static String model(int m) {
    return m < 1000 ? String.format("m%03d", m) : "m" + m;
  }

  /** Every endpoint observed healthy from {@code observer} with a few probes of random TTFT. */
  static HealthSnapshot healthySnapshot(Catalog catalog, String observer, long nowMs) {
    Random random = new Random(11);
    List<EndpointHealth> records = new ArrayList<>();
    for (Endpoint endpoint : catalog.endpoints()) {
      HealthKey key = new HealthKey(observer, endpoint.model().id(), endpoint.region());
      EndpointHealth health = EndpointHealth.unobserved(key);
      for (int i = 0; i < 5; i++) {
        double ttft = 50 + random.nextInt(1500);
        health = health.record(ProbeResult.success(key, nowMs - 1000L * (5 - i), ttft, 20 + random.nextInt(150)), HealthPolicy.DEFAULT);
      }
      records.add(health);
    }
    return HealthSnapshot.of(records);
  }

  /** A minimal request (~90 bytes). */
  static final String SMALL_BODY = "{\"model\":\"qwen3-8b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":16}";

  /** The request the HTTP benchmarks send (bench/overhead.sh, bench/run.sh): ~670 bytes. */
  static final String MEDIUM_BODY =
      "{\"model\":\"qwen3-8b\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise assistant for a logistics"
          + " company. Answer in plain English, at most three sentences, and never invent tracking numbers, prices or"
          + " delivery dates that are not in the conversation. If you do not know, say so and suggest contacting"
          + " support.\"},{\"role\":\"user\",\"content\":\"My parcel was marked as delivered yesterday at 14:05 but it is"
          + " not at my door, not with the neighbours and not in the parcel locker downstairs. The tracking page shows a"
          + " photo of a blue door, and my door is white. What should I do next, and how long does an investigation"
          + " usually take?\"}],\"max_tokens\":64,\"temperature\":0.2}";

  /** A 40-turn conversation with tools (~25 KB), as a chat agent sends late in a session. */
  static String largeBody() {
    StringBuilder b = new StringBuilder("{\"model\":\"qwen3-8b\",\"stream\":true,\"temperature\":0.7,\"max_tokens\":1024,");
    b.append("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup_order\",\"description\":\"Find an order\",")
        .append("\"parameters\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"]}}}],");
    b.append("\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"}");
    for (int i = 0; i < 40; i++) {
      String role = i % 2 == 0 ? "user" : "assistant";
      b.append(",{\"role\":\"").append(role).append("\",\"content\":\"");
      for (int w = 0; w < 90; w++) {
        b.append("word").append((i * 31 + w) % 97).append(' ');
      }
      b.append("\"}");
    }
    b.append("]}");
    return b.toString();
  }
}
