package dev.meridian.health;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hazelcast members for tests, all in this JVM: a random cluster name per test, 127.0.0.1 only, TCP-IP
 * join to the first member's (randomly chosen) port, no multicast, no auto-detection, no phone home.
 */
final class HazelcastTestSupport implements AutoCloseable {
  private final String clusterName = "meridian-test-" + UUID.randomUUID();
  private final List<HazelcastInstance> members = new ArrayList<>();
  private int seedPort = -1;

  HazelcastInstance start(String region) {
    int port = freePort();
    if (seedPort < 0) {
      seedPort = port;
    }
    Config config = new Config().setClusterName(clusterName);
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.getMemberAttributeConfig().setAttribute(HazelcastRegionMembership.REGION_ATTRIBUTE, region);
    NetworkConfig network = config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + seedPort);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    members.add(member);
    return member;
  }

  /** A port free right now; Hazelcast has no "any port" setting, so we pick one and hand it over. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (HazelcastInstance member : members) {
      member.getLifecycleService().terminate();
    }
    members.clear();
  }
}
