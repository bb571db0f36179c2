package dev.meridian.launcher;

import dev.meridian.core.catalog.Catalog;

/** What a newcomer needs on start: where it listens, what it routes, and a request to paste. */
final class Banner {
  private Banner() {}

  static String text(MeridianConfig config, MeridianNode node) {
    if (config.command() == MeridianConfig.Command.SIMULATOR) {
      return "Meridian simulator listening on http://" + config.host() + ":" + node.simulatorPort()
          + "\n  providers: http://" + config.host() + ":" + node.simulatorPort()
          + "/{region}/{provider}/v1/chat/completions"
          + "\n  faults:    PUT http://" + config.host() + ":" + node.simulatorPort()
          + "/admin/faults/{model}/{region}";
    }
    Catalog catalog = node.catalog();
    String base = "http://" + displayHost(config.host()) + ":" + node.routerPort();
    StringBuilder text = new StringBuilder();
    text.append("Meridian router listening on ").append(base)
        .append("  (region ").append(config.region()).append(", ")
        .append(catalog.models().size()).append(" models in ")
        .append(catalog.regions().size()).append(" regions, ")
        .append(config.clustered() ? "clustered via Hazelcast" : "standalone").append(")\n");
    if (node.simulatorPort() > 0) {
      text.append("Simulated providers on http://127.0.0.1:").append(node.simulatorPort())
          .append("  (no API keys needed; faults: PUT /admin/faults/{model}/{region})\n");
    }
    boolean demoKeys = node.access().keys() != null && node.access().keys().find(ClientAccess.DEMO_KEY) != null;
    String auth = node.access().isOpen() ? "" : " -H 'authorization: Bearer " + (demoKeys ? ClientAccess.DEMO_KEY : "<your key>") + "'";
    if (node.access().isOpen()) {
      text.append("Client authentication is OFF (--auth open): anyone who reaches this port spends your provider credit.\n");
    } else if (demoKeys) {
      text.append("Client keys: the public demo keys ").append(ClientAccess.DEMO_KEY).append(" (everything) and ")
          .append(ClientAccess.DEMO_LIMITED_KEY).append(" (budget tiers, 10 req/min, $0.01/day).\n");
    } else {
      text.append("Client keys: ").append(node.access().keys().size()).append(" from ").append(config.keysFile()).append("\n");
    }
    text.append("Health probes every ").append(config.probeIntervalMs() / 1000.0).append(" s; ")
        .append(base).append("/readyz turns 200 after the first round.\n\n")
        .append("Try:\n")
        .append("  curl -s ").append(base).append("/v1/chat/completions").append(auth).append(" -H 'content-type: application/json' \\\n")
        .append("    -d '{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"Explain recursion in 200 words\"}]}'\n")
        .append("  curl -sN ").append(base).append("/v1/chat/completions").append(auth).append(" -H 'content-type: application/json' \\\n")
        .append("    -d '{\"model\":\"deepseek-v4-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'\n")
        .append("  curl -s ").append(base).append("/v1/models").append(auth).append("\n");
    return text.toString();
  }

  private static String displayHost(String host) {
    return host.equals("0.0.0.0") ? "127.0.0.1" : host;
  }
}
