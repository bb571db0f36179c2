package dev.meridian.health;

import dev.meridian.core.health.ProbeResult;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Running totals of what this node's probes cost: probes are real requests on real accounts, and at
 * 45 endpoints every 30 s from each region the bill should be visible. Thread-safe; read by metrics.
 */
public final class ProbeAccounting {
  private final AtomicLong probes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong completionTokens = new AtomicLong();
  private final DoubleAdder dollars = new DoubleAdder();

  public void record(ProbeResult result) {
    probes.incrementAndGet();
    if (!result.outcome().isSuccess()) {
      failures.incrementAndGet();
    }
    promptTokens.addAndGet(result.promptTokens());
    completionTokens.addAndGet(result.completionTokens());
    dollars.add(result.costDollars());
  }

  public long probes() {
    return probes.get();
  }

  public long failures() {
    return failures.get();
  }

  public long promptTokens() {
    return promptTokens.get();
  }

  public long completionTokens() {
    return completionTokens.get();
  }

  public double dollars() {
    return dollars.sum();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("probes", probes())
        .put("failures", failures())
        .put("promptTokens", promptTokens())
        .put("completionTokens", completionTokens())
        .put("dollars", dollars());
  }
}
