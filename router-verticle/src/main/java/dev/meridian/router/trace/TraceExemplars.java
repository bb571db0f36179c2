package dev.meridian.router.trace;

import io.prometheus.metrics.tracer.common.SpanContext;

/**
 * Gives the Prometheus registry's exemplar samplers the trace of the request being recorded. Metrics
 * are recorded when a request ends, after its spans, on the thread that ends it, so the trace is
 * handed over in a thread-local around the recording ({@link #recordingFor}) instead of through an
 * OpenTelemetry context that would have to stay current for the whole request.
 *
 * <p>Installed in the registry only when tracing is on; with tracing off the registry has no exemplar
 * samplers at all.
 */
public final class TraceExemplars implements SpanContext {
  private static final ThreadLocal<String[]> CURRENT = new ThreadLocal<>();

  /** Makes {@code traceId}/{@code spanId} the exemplar of what this thread records until {@link #done}. */
  public static void recordingFor(String traceId, String spanId) {
    if (traceId != null) {
      CURRENT.set(new String[] {traceId, spanId});
    }
  }

  public static void done() {
    CURRENT.remove();
  }

  @Override
  public String getCurrentTraceId() {
    String[] ids = CURRENT.get();
    return ids == null ? null : ids[0];
  }

  @Override
  public String getCurrentSpanId() {
    String[] ids = CURRENT.get();
    return ids == null ? null : ids[1];
  }

  @Override
  public boolean isCurrentSpanSampled() {
    return CURRENT.get() != null;
  }

  @Override
  public void markCurrentSpanAsExemplar() {
    // The span has ended by the time its metrics are recorded: nothing to mark.
  }
}
