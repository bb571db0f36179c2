package dev.meridian.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the Hazelcast member configuration from {@code cluster.xml}, filling its placeholders from the
 * environment, and tags the member with its region so probe ownership can be computed per region.
 */
public final class ClusterConfigFactory {
  /** Member attribute holding the router's region; read by the health verticle's membership view. */
  public static final String REGION_ATTRIBUTE = dev.meridian.health.HazelcastRegionMembership.REGION_ATTRIBUTE;

  /** vertx-hazelcast's member attribute for the Vert.x node id (HazelcastClusterManager.NODE_ID_ATTRIBUTE). */
  static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private ClusterConfigFactory() {}

  public static Config load(String explicitPath, String region, Map<String, String> env) {
    Properties properties = properties(env);
    try (InputStream xml = open(explicitPath)) {
      Config config = new XmlConfigBuilder(xml).setProperties(properties).build();
      config.getMemberAttributeConfig().setAttribute(REGION_ATTRIBUTE, region);
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cluster configuration", e);
    }
  }

  /**
   * The Vert.x cluster manager: over a member that checks joiners' token when {@code
   * MERIDIAN_CLUSTER_TOKEN} is set ({@link ClusterJoinCheck}; started here, blocking), otherwise one
   * that starts a plain member when Vert.x joins.
   */
  public static HazelcastClusterManager clusterManager(String explicitPath, String region, Map<String, String> env) {
    Config config = load(explicitPath, region, env);
    if (!ClusterJoinCheck.enabled(env)) {
      return new HazelcastClusterManager(config);
    }
    // Vert.x finds its node id in this attribute; it sets it itself only on members it starts.
    config.getMemberAttributeConfig().setAttribute(VERTX_NODE_ID_ATTRIBUTE, java.util.UUID.randomUUID().toString());
    return new HazelcastClusterManager(ClusterJoinCheck.start(config, env));
  }

  /** The placeholder values of cluster.xml; exposed for tests and the docs. */
  public static Properties properties(Map<String, String> env) {
    String join = env.getOrDefault("MERIDIAN_CLUSTER_JOIN", "tcp").toLowerCase(Locale.ROOT);
    if (!join.equals("tcp") && !join.equals("kubernetes")) {
      throw new IllegalArgumentException(
          "MERIDIAN_CLUSTER_JOIN must be 'tcp' or 'kubernetes', got '" + join + "'");
    }
    String host = clusterHost(env);
    Properties properties = new Properties();
    properties.setProperty("meridian.cluster.name", env.getOrDefault("MERIDIAN_CLUSTER_NAME", "meridian"));
    properties.setProperty("meridian.join.tcp", Boolean.toString(join.equals("tcp")));
    properties.setProperty("meridian.join.kubernetes", Boolean.toString(join.equals("kubernetes")));
    properties.setProperty(
        "meridian.join.wait.seconds",
        env.getOrDefault("MERIDIAN_CLUSTER_JOIN_WAIT_SECONDS", join.equals("kubernetes") ? "5" : "0"));
    properties.setProperty("meridian.tcp.members", env.getOrDefault("MERIDIAN_CLUSTER_MEMBERS", "127.0.0.1"));
    properties.setProperty("meridian.hz.port", env.getOrDefault("MERIDIAN_CLUSTER_PORT", "5701"));
    boolean bindOne = !host.equals("0.0.0.0");
    properties.setProperty("meridian.hz.interface.enabled", Boolean.toString(bindOne));
    properties.setProperty("meridian.hz.interface", bindOne ? host : "127.0.0.1");
    properties.setProperty("meridian.hz.bind.any", Boolean.toString(!bindOne));
    properties.setProperty(
        "meridian.k8s.service.dns",
        env.getOrDefault("MERIDIAN_K8S_SERVICE_DNS", "meridian-hazelcast.default.svc.cluster.local"));
    return properties;
  }

  /** The event bus's TCP port; 0 picks a free one (loopback), a fixed one lets a NetworkPolicy name it. */
  public static int eventBusPort(Map<String, String> env) {
    return Integer.parseInt(env.getOrDefault("MERIDIAN_EVENTBUS_PORT", "0"));
  }

  /** The address Hazelcast and the event bus bind: loopback unless the environment names the pod IP. */
  public static String clusterHost(Map<String, String> env) {
    return env.getOrDefault("MERIDIAN_CLUSTER_HOST", "127.0.0.1");
  }

  private static InputStream open(String explicitPath) throws IOException {
    if (explicitPath != null && !explicitPath.isBlank()) {
      return Files.newInputStream(Path.of(explicitPath));
    }
    Path local = Path.of("cluster.xml");
    if (Files.isRegularFile(local)) {
      return Files.newInputStream(local);
    }
    InputStream bundled = ClusterConfigFactory.class.getClassLoader().getResourceAsStream("cluster.xml");
    if (bundled == null) {
      throw new IOException("cluster.xml not found in the working directory or the jar");
    }
    return bundled;
  }
}
