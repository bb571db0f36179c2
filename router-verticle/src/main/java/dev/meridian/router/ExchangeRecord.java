package dev.meridian.router;

import dev.meridian.core.catalog.Endpoint;

/**
 * What happened to one client request, handed to {@link ExchangeListener}s when it ends.
 *
 * @param endpoint the endpoint that served (or last failed) the request; null when none was tried
 * @param status the HTTP status the client got (200 for a stream that later broke; see {@code outcome})
 * @param outcome {@code ok}, {@code client_error}, {@code upstream_error}, {@code timeout},
 *     {@code no_route}, {@code stream_broken} or {@code client_gone}
 * @param firstByteNanos time from arrival to the first byte written to the client, -1 when none
 */
public record ExchangeRecord(
    String requestedModel,
    Endpoint endpoint,
    int attempts,
    int status,
    boolean streamed,
    String outcome,
    long firstByteNanos,
    long totalNanos) {}
