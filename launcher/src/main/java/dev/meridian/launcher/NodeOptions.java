package dev.meridian.launcher;

import dev.meridian.core.health.HealthPolicy;
import dev.meridian.health.HealthOptions;
import dev.meridian.router.ResilienceOptions;
import dev.meridian.router.RouterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The verticles' options from the node's configuration: a plain mapping, one place per component. */
final class NodeOptions {
  private static final Logger LOG = LoggerFactory.getLogger(NodeOptions.class);

  private NodeOptions() {}

  static HealthOptions health(MeridianConfig config, HealthPolicy policy) {
    return new HealthOptions()
        .setRegion(config.region())
        .setProbeIntervalMs(config.probeIntervalMs())
        .setProbeTimeoutMs(config.probeTimeoutMs())
        .setMaxConcurrentProbes(config.probeConcurrency())
        .setHealthPolicy(policy);
  }

  static RouterOptions router(MeridianConfig config) {
    return new RouterOptions()
        .setRegion(config.region())
        .setHost(config.host())
        .setPort(config.port())
        .setMaxAttempts(config.maxAttempts())
        .setFirstTokenTimeoutMs(config.firstTokenTimeoutMs())
        .setIdleTimeoutMs(config.idleTimeoutMs())
        .setRequestTimeoutMs(config.requestTimeoutMs())
        .setMaxBodyBytes(config.maxBodyBytes())
        .setUpstreamPoolSize(config.upstreamPoolSize())
        .setAdminPort(config.adminPort())
        .setAdminHost(config.adminHost())
        .setAffinity(config.affinity());
  }

  static ResilienceOptions resilience(MeridianConfig config) {
    return new ResilienceOptions()
        .setBreakerCoolDownMs(config.breakerCoolDownMs())
        .setBreakerMaxFailures(config.breakerMaxFailures())
        .setBreakerFailureRate(config.breakerFailureRate())
        .setMaxBlockMs(config.maxBlockMs())
        .setRetryBudgetRatio(config.retryBudgetRatio())
        .setHedgeByDefault(config.hedgeByDefault());
  }

  /**
   * Epoll when it loads: on the router's hot path NIO's selector and its per-read garbage cost
   * measurably more CPU per request (docs/performance.md). NIO stays the fallback, so the jar still
   * runs on a non-Linux laptop.
   *
   * @throws IllegalStateException when epoll was required and cannot load, with Netty's reason
   */
  static io.vertx.core.transport.Transport transport(MeridianConfig.Transport wanted) {
    io.vertx.core.transport.Transport epoll = io.vertx.core.transport.Transport.EPOLL;
    switch (wanted) {
      case NIO -> {
        return io.vertx.core.transport.Transport.NIO;
      }
      case EPOLL -> {
        if (!epoll.available()) {
          throw new IllegalStateException("--transport epoll: the epoll transport cannot load here ("
              + epoll.unavailabilityCause() + "); use --transport auto or nio");
        }
        return epoll;
      }
      default -> {
        if (epoll.available()) {
          return epoll;
        }
        LOG.info("epoll transport unavailable ({}); using Java NIO", String.valueOf(epoll.unavailabilityCause()));
        return io.vertx.core.transport.Transport.NIO;
      }
    }
  }
}
