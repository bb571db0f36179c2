package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.health.ProbeTracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SDK's configuration from the node's environment, and probes sampled apart from requests. */
class TelemetryTest {
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

  private static SamplingDecision decide(Sampler sampler, Attributes attributes) {
    return sampler.shouldSample(Context.root(), TRACE_ID, "span", SpanKind.CLIENT, attributes, List.of()).getDecision();
  }

  @Test
  void probesHaveTheirOwnRatioAndRequestsTheConfiguredSampler() {
    Attributes probe = Attributes.of(ProbeTracing.PROBE, true);
    Sampler requestsOffProbesOn = new Telemetry.ProbeSampler(Sampler.alwaysOff(), Sampler.alwaysOn());
    assertThat(decide(requestsOffProbesOn, probe)).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(decide(requestsOffProbesOn, Attributes.empty())).isEqualTo(SamplingDecision.DROP);
    Sampler requestsOnProbesOff = new Telemetry.ProbeSampler(Sampler.alwaysOn(), Sampler.traceIdRatioBased(0));
    assertThat(decide(requestsOnProbesOff, probe)).isEqualTo(SamplingDecision.DROP);
    assertThat(decide(requestsOnProbesOff, Attributes.empty())).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @Test
  void otelVariablesBecomeTheSdksProperties() {
    assertThat(Telemetry.otelProperties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
            "OTEL_TRACES_SAMPLER_ARG", "0.01", "DEEPSEEK_API_KEY", "sk-not-for-otel")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("otel.exporter.otlp.endpoint", "http://collector:4318",
            "otel.traces.sampler.arg", "0.01"));
  }

  @Test
  void tracingIsOffByDefaultAndTakesOnlyOnOrOff() {
    assertThat(MeridianConfig.parse(new String[0], Map.of()).tracing()).isFalse();
    assertThat(Telemetry.start(MeridianConfig.parse(new String[0], Map.of()), Map.of()).enabled()).isFalse();
    assertThat(MeridianConfig.parse(new String[] {"--tracing", "on"}, Map.of()).tracing()).isTrue();
    assertThat(MeridianConfig.parse(new String[0], Map.of("MERIDIAN_TRACING", "on")).tracing()).isTrue();
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"--tracing", "yes"}, Map.of()).tracing())
        .hasMessageContaining("--tracing must be on or off");
  }

  @Test
  void aMalformedOtelValueStopsTheStartWithTheSdksMessage() {
    MeridianConfig on = MeridianConfig.parse(new String[] {"--tracing", "on"}, Map.of());
    assertThatThrownBy(() -> Telemetry.start(on, Map.of("OTEL_TRACES_SAMPLER", "sometimes")))
        .hasMessageContaining("sometimes");
  }
}
