package dev.meridian.core.openai;

/** Header names Meridian sends or reads, in one place so the router, prober and simulator agree. */
public final class MeridianHeaders {
  /** Sent upstream: the region of the calling router, so the simulator can charge the distance. */
  public static final String ROUTER_REGION = "x-meridian-router-region";
  /** Sent upstream by health probes, so providers' logs (and the simulator's stats) can tell them apart. */
  public static final String PROBE = "x-meridian-probe";
  /** On every response: the catalog model that served the request. */
  public static final String ROUTE_MODEL = "x-meridian-model";
  /** On every response: the provider that served the request. */
  public static final String ROUTE_PROVIDER = "x-meridian-provider";
  /** On every response: the region of the endpoint that served the request. */
  public static final String ROUTE_REGION = "x-meridian-region";
  /** On every response: how many endpoints were tried. */
  public static final String ATTEMPTS = "x-meridian-attempts";
  /** On every response: why this route, e.g. {@code model=glm-5} or {@code auto tier=budget}. */
  public static final String ROUTE_REASON = "x-meridian-route-reason";
  /** On every response: the request id, also in logs. */
  public static final String REQUEST_ID = "x-request-id";
  /** Response header: the request's trace id, when tracing is on and the request's spans are recorded. */
  public static final String TRACE_ID = "x-meridian-trace-id";
  /** Set by the simulator on its responses: which simulated endpoint answered ({@code model@region}). */
  public static final String SIMULATOR_ENDPOINT = "x-simulator-endpoint";

  private MeridianHeaders() {}
}
