package dev.meridian.launcher;

import dev.meridian.core.health.HealthPolicy;
import dev.meridian.health.HealthOptions;
import dev.meridian.router.ResilienceOptions;
import dev.meridian.router.RouterOptions;

/** The verticles' options from the node's configuration: a plain mapping, one place per component. */
final class NodeOptions {
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
}
