package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;
import java.util.List;

/**
 * What happened to one client request, handed to {@link ExchangeListener}s when it ends.
 *
 * @param api the client surface the request came in on ({@link dev.meridian.router.surface.Surface#api()})
 * @param endpoint the endpoint that served (or last failed) the request; null when none was tried
 * @param status the HTTP status the client got (200 for a stream that later broke; see {@code outcome})
 * @param outcome {@code ok}, {@code client_error}, {@code rate_limited}, {@code upstream_error},
 *     {@code timeout}, {@code stream_broken} or {@code client_gone}
 * @param fallback true when served by other than the first candidate
 * @param hedge {@code none}, {@code primary_won} or {@code hedge_won}
 * @param retriesDenied further attempts the retry budget refused
 * @param failures the upstream attempts that failed, in order
 * @param usage tokens of the serving endpoint (provider-reported or estimated); NONE when none served
 * @param costDollars usage times the serving model's catalog prices
 * @param firstByteNanos time from arrival to the first byte written to the client, -1 when none
 * @param overheadNanos time from arrival until the first upstream request was handed to the client pool
 * @param requestId the {@code x-request-id} the client got; null for a refusal before the pipeline
 * @param keyName the client key's name, null on an open router or before authentication
 * @param routeReason why the route was chosen ({@code x-meridian-route-reason}); null when none was
 * @param traceId the request's trace when it was recorded (sampled), else null
 * @param spanId the request's server span when recorded, else null
 */
public record ExchangeRecord(
    String api,
    String requestedModel,
    Endpoint endpoint,
    int attempts,
    int status,
    boolean streamed,
    String outcome,
    boolean fallback,
    String hedge,
    int retriesDenied,
    List<AttemptFailure> failures,
    dev.meridian.core.openai.Usage usage,
    double costDollars,
    long firstByteNanos,
    long overheadNanos,
    long totalNanos,
    String requestId,
    String keyName,
    String routeReason,
    String traceId,
    String spanId) {

  /** One failed upstream attempt: where, and what kind of failure (see docs/metrics.md). */
  public record AttemptFailure(Endpoint endpoint, String kind) {}
}
