/**
 * Simulated OpenAI-compatible providers, one per catalog provider and region, in one Vert.x HTTP
 * server: the embedded default upstream of Meridian, the fixture of its integration tests and the
 * upstream of its benchmarks.
 *
 * <p>HTTP surface of {@link dev.meridian.simulator.SimulatorVerticle}:
 *
 * <ul>
 *   <li>{@code POST /{region}/{provider}/v1/chat/completions}: whole or streamed (SSE) completions
 *       with the latency of {@link dev.meridian.simulator.LatencyProfile}; the router's region is read
 *       from {@code x-meridian-router-region} to charge the distance. Tools, {@code response_format},
 *       {@code n}, {@code logprobs} and {@code stop} are honoured, and each provider writes in its
 *       {@link dev.meridian.simulator.Dialect} ({@link dev.meridian.simulator.SimulatorOptions#setDialects}).
 *   <li>{@code GET /{region}/{provider}/v1/models}: the provider's upstream model ids in that region.
 *   <li>{@code GET|PUT|DELETE /admin/faults/{model}/{region}}, {@code GET|DELETE /admin/faults}:
 *       run-time faults ({@link dev.meridian.simulator.FaultSpec}).
 *   <li>{@code GET|DELETE /admin/stats}: counters per endpoint ({@link
 *       dev.meridian.simulator.SimulatorStats}).
 *   <li>{@code GET /healthz}.
 * </ul>
 */
package dev.meridian.simulator;
