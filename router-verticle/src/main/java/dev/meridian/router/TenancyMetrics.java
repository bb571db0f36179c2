package dev.meridian.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client metrics (docs/metrics.md). The {@code client} label is a configured key's name, so the
 * label set is bounded by the keys file; the key itself never becomes a label.
 */
final class TenancyMetrics {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  /** @param registry null for no metrics */
  TenancyMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void authFailed(String reason) {
    counter("meridian.auth.failures", "reason", reason,
        "Requests refused for a missing or invalid API key, or a model the key may not use").increment();
  }

  void limited(String client, String limit) {
    counter2("meridian.client.limited", client, "limit", limit,
        "Requests refused with 429 because a client key's limit or budget was reached").increment();
  }

  void served(String client, long tokens, double dollars) {
    counter("meridian.client.requests", "client", client, "Chat requests admitted per client key").increment();
    if (tokens > 0) {
      counter("meridian.client.tokens", "client", client, "Prompt plus completion tokens per client key")
          .increment(tokens);
    }
    if (dollars > 0) {
      counter("meridian.client.cost.dollars", "client", client, "Dollars spent per client key")
          .increment(dollars);
    }
  }

  private Counter counter(String name, String tag, String value, String help) {
    if (registry == null) {
      return NOOP;
    }
    String id = name + '\u0000' + value;
    Counter found = counters.get(id);
    return found != null
        ? found
        : counters.computeIfAbsent(id, k -> Counter.builder(name).description(help).tag(tag, value).register(registry));
  }

  private Counter counter2(String name, String client, String tag, String value, String help) {
    if (registry == null) {
      return NOOP;
    }
    String id = name + '\u0000' + client + '\u0000' + value;
    Counter found = counters.get(id);
    return found != null
        ? found
        : counters.computeIfAbsent(
            id, k -> Counter.builder(name).description(help).tag("client", client).tag(tag, value).register(registry));
  }

  private static final Counter NOOP =
      new io.micrometer.core.instrument.noop.NoopCounter(
          new io.micrometer.core.instrument.Meter.Id(
              "noop", io.micrometer.core.instrument.Tags.empty(), null, null, io.micrometer.core.instrument.Meter.Type.COUNTER));
}
