package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeridianConfigTest {

  @Test
  void noArgumentsIsTheEmbeddedDefault() {
    MeridianConfig config = MeridianConfig.parse(new String[0], Map.of());
    assertThat(config.command()).isEqualTo(MeridianConfig.Command.EMBEDDED);
    assertThat(config.region()).isEqualTo("us-east");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.simulatorPort()).isEqualTo(8090);
    assertThat(config.probeIntervalMs()).isEqualTo(30_000);
    assertThat(config.clustered()).isTrue();
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverDefaults() {
    Map<String, String> env = Map.of("MERIDIAN_REGION", "eu-west", "MERIDIAN_PORT", "9000");
    MeridianConfig fromEnv = MeridianConfig.parse(new String[] {"router"}, env);
    assertThat(fromEnv.region()).isEqualTo("eu-west");
    assertThat(fromEnv.port()).isEqualTo(9000);

    MeridianConfig flags =
        MeridianConfig.parse(new String[] {"router", "--region", "ap-southeast", "--port=8082", "--standalone"}, env);
    assertThat(flags.command()).isEqualTo(MeridianConfig.Command.ROUTER);
    assertThat(flags.region()).isEqualTo("ap-southeast");
    assertThat(flags.port()).isEqualTo(8082);
    assertThat(flags.clustered()).isFalse();
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"route"}, Map.of()))
        .hasMessageContaining("unknown command 'route'");
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"--prot", "1"}, Map.of()))
        .hasMessageContaining("unknown flag --prot");
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"--port", "http"}, Map.of()))
        .hasMessageContaining("--port must be a whole number");
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"--port"}, Map.of()))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> MeridianConfig.parse(new String[0], Map.of("MERIDIAN_PROBE_INTERVAL_MS", "5")))
        .hasMessageContaining("--probe-interval-ms must be >= 100");
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"--max-block-ms", "1000"}, Map.of()))
        .hasMessageContaining("--max-block-ms (1000) must be at least --breaker-cool-down-ms (5000)");
    assertThat(MeridianConfig.parse(new String[0], Map.of()).maxBlockMs()).isEqualTo(300_000);
    assertThat(MeridianConfig.parse(new String[0], Map.of("MERIDIAN_MAX_BLOCK_MS", "60000")).maxBlockMs()).isEqualTo(60_000);
  }

  @Test
  void helpListsEveryFlagWithItsVariable() {
    String help = MeridianConfig.help();
    for (MeridianConfig.Setting setting : MeridianConfig.SETTINGS) {
      assertThat(help).contains("--" + setting.flag()).contains(setting.env());
    }
  }

  @Test
  void clusterXmlJoinsOverTcpOnLoopbackByDefaultAndKubernetesWhenAsked() {
    Config local = ClusterConfigFactory.load(null, "eu-west", Map.of());
    var join = local.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(local.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(local.getMemberAttributeConfig().getAttribute(ClusterConfigFactory.REGION_ATTRIBUTE)).isEqualTo("eu-west");
    assertThat(local.getMapConfig("meridian-health").getBackupCount()).isEqualTo(1);
    assertThat(local.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");

    Config pods = ClusterConfigFactory.load(null, "us-east", Map.of(
        "MERIDIAN_CLUSTER_JOIN", "kubernetes",
        "MERIDIAN_K8S_SERVICE_DNS", "meridian-hz.us-east.svc.cluster.local",
        "MERIDIAN_CLUSTER_HOST", "0.0.0.0"));
    var podJoin = pods.getNetworkConfig().getJoin();
    assertThat(podJoin.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(podJoin.getKubernetesConfig().getProperty("service-dns")).isEqualTo("meridian-hz.us-east.svc.cluster.local");
    assertThat(podJoin.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(pods.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    // Kubernetes discovery only looks the Service up while waiting to join: never 0 there.
    assertThat(pods.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("5");
    assertThat(local.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");

    assertThatThrownBy(() -> ClusterConfigFactory.load(null, "us-east", Map.of("MERIDIAN_CLUSTER_JOIN", "dns")))
        .hasMessageContaining("MERIDIAN_CLUSTER_JOIN");
  }
}
