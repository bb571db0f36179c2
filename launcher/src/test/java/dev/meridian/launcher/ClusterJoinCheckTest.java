package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, finding 4: a process with the jar and the cluster name joined the cluster as a member.
 * With {@code MERIDIAN_CLUSTER_TOKEN} set, the master admits only members that prove they hold it.
 */
class ClusterJoinCheckTest {
  private static final String TOKEN = "a-join-token-of-32-characters-xx";
  private final String clusterName = "meridian-test-" + UUID.randomUUID();
  private final List<HazelcastInstance> members = new ArrayList<>();
  private int seedPort = -1;

  @AfterEach
  void stop() {
    members.forEach(member -> member.getLifecycleService().terminate());
  }

  private Config config() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    if (seedPort < 0) {
      seedPort = port;
    }
    Config config = new Config().setClusterName(clusterName);
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.max.join.seconds", "20");
    NetworkConfig network = config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + seedPort);
    return config;
  }

  private HazelcastInstance start(Config config, String token) {
    HazelcastInstance member = token == null
        ? Hazelcast.newHazelcastInstance(config)
        : ClusterJoinCheck.start(config, Map.of(ClusterJoinCheck.TOKEN_ENV, token));
    members.add(member);
    return member;
  }

  @Test
  void onlyMembersWithTheTokenJoin() throws Exception {
    HazelcastInstance first = start(config(), TOKEN);
    HazelcastInstance second = start(config(), TOKEN);
    assertThat(first.getCluster().getMembers()).hasSize(2);
    assertThat(second.getCluster().getMembers()).hasSize(2);
    // The attribute is a proof bound to the member's UUID, never the token.
    assertThat(second.getCluster().getLocalMember().getAttribute(ClusterJoinCheck.PROOF_ATTRIBUTE))
        .isEqualTo(ClusterJoinCheck.proof(TOKEN, second.getCluster().getLocalMember().getUuid()))
        .doesNotContain(TOKEN);

    Throwable stranger = catchThrowable(() -> start(config(), null));
    Throwable wrongToken = catchThrowable(() -> start(config(), "another-token-of-32-characters-x"));

    assertThat(stranger).as("a member without the token").isNotNull();
    assertThat(wrongToken).as("a member with another token").isNotNull();
    assertThat(first.getCluster().getMembers()).hasSize(2);
  }

  @Test
  void aShortTokenIsRefusedAtStart() throws Exception {
    Config config = config();
    Throwable refused = catchThrowable(() -> ClusterJoinCheck.start(config, Map.of(ClusterJoinCheck.TOKEN_ENV, "short")));
    assertThat(refused).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("short");
  }
}
