package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class BoundedHttpLabelsTest {
  @Test
  void aMadeUpMethodIsCountedAsOtherOnlyOnVertxHttpSeries() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.config().meterFilter(new BoundedHttpLabels());
    for (String method : new String[] {"FOO", "BAR", "get", "GET", "POST", "PATCH", "X".repeat(5000)}) {
      Counter.builder("vertx.http.server.requests").tags("method", method, "code", "405").register(registry).increment();
    }
    assertThat(registry.find("vertx.http.server.requests").counters())
        .extracting(counter -> counter.getId().getTag("method"))
        .containsExactlyInAnyOrder("other", "GET", "POST", "PATCH");
    assertThat(registry.get("vertx.http.server.requests").tag("method", "other").counter().count()).isEqualTo(4);
    // Series of Meridian's own, and tags other than method, are left alone.
    Counter.builder("meridian.requests").tag("method", "FOO").register(registry);
    assertThat(registry.get("meridian.requests").counter().getId().getTag("method")).isEqualTo("FOO");
    assertThat(registry.get("vertx.http.server.requests").tag("method", "other").counter().getId().getTag("code"))
        .isEqualTo("405");
  }
}
