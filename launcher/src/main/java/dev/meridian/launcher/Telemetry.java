package dev.meridian.launcher;

import dev.meridian.health.ProbeTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node's OpenTelemetry SDK when {@code --tracing on}: built by the SDK's own autoconfiguration from
 * the standard {@code OTEL_*} variables of the node's environment (exporter, OTLP endpoint and protocol,
 * sampler, headers, resource), with Meridian's defaults under them: service name {@code meridian}, traces
 * only (metrics stay on Prometheus, logs on stdout), and probes sampled at their own ratio. Spans leave
 * through the SDK's batch processor, on its own thread: a slow or absent collector costs dropped spans,
 * never a blocked event loop. Off, nothing is built and every tracer is a no-op.
 */
final class Telemetry {
  private final OpenTelemetrySdk sdk;

  private Telemetry(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  static Telemetry off() {
    return new Telemetry(null);
  }

  /** @param env the node's environment: its {@code OTEL_*} entries configure the SDK */
  static Telemetry start(MeridianConfig config, Map<String, String> env) {
    if (!config.tracing()) {
      return off();
    }
    Map<String, String> defaults = Map.of(
        "otel.service.name", "meridian",
        "otel.traces.exporter", "otlp",
        "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none");
    Map<String, String> fromEnv = otelProperties(env);
    double probeRatio = config.traceProbeSample();
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> defaults)
            // The node's environment map wins (it is the process's in production, a test's own in tests).
            .addPropertiesCustomizer(properties -> fromEnv)
            .addResourceCustomizer((resource, properties) -> resource.merge(
                Resource.create(Attributes.of(
                    io.opentelemetry.api.common.AttributeKey.stringKey("cloud.region"), config.region()))))
            .addSamplerCustomizer((sampler, properties) -> new ProbeSampler(sampler, Sampler.traceIdRatioBased(probeRatio)))
            .build()
            .getOpenTelemetrySdk();
    return new Telemetry(sdk);
  }

  /** {@code OTEL_EXPORTER_OTLP_ENDPOINT} as {@code otel.exporter.otlp.endpoint}: the SDK's own mapping. */
  static Map<String, String> otelProperties(Map<String, String> env) {
    Map<String, String> properties = new HashMap<>();
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_") && value != null) {
        properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    return properties;
  }

  boolean enabled() {
    return sdk != null;
  }

  OpenTelemetry openTelemetry() {
    return sdk == null ? OpenTelemetry.noop() : sdk;
  }

  /** Exports what is buffered and stops; waits at most {@code timeoutMs} (call off the event loop). */
  void close(long timeoutMs) {
    if (sdk != null) {
      sdk.shutdown().join(timeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Probe spans ({@code meridian.probe} set when they start) get their own ratio; every other span the
   * configured sampler's verdict. Probes are root spans, so a request's sampling never decides theirs.
   */
  static final class ProbeSampler implements Sampler {
    private final Sampler requests;
    private final Sampler probes;

    ProbeSampler(Sampler requests, Sampler probes) {
      this.requests = requests;
      this.probes = probes;
    }

    @Override
    public SamplingResult shouldSample(
        Context parentContext, String traceId, String name, SpanKind spanKind, Attributes attributes,
        List<LinkData> parentLinks) {
      Sampler sampler = Boolean.TRUE.equals(attributes.get(ProbeTracing.PROBE)) ? probes : requests;
      return sampler.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
      return "MeridianProbeSampler{requests=" + requests.getDescription() + ", probes=" + probes.getDescription() + "}";
    }
  }
}
