package dev.meridian.launcher;

import dev.meridian.router.ExchangeListener;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code bin/meridian}: parses the command line, starts a node, and prints where it listens. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.setProperty("hazelcast.logging.type", "slf4j");
    System.setProperty("hazelcast.phone.home.enabled", "false");
    Map<String, String> env = System.getenv();
    MeridianConfig config;
    try {
      config = MeridianConfig.parse(args, env);
    } catch (IllegalArgumentException e) {
      System.err.println("meridian: " + e.getMessage());
      System.err.println();
      System.err.print(MeridianConfig.help());
      System.exit(2);
      return;
    }
    if (config.command() == MeridianConfig.Command.BENCH) {
      System.exit(dev.meridian.launcher.bench.EndpointBench.run(config.commandArgs(), env));
      return;
    }
    if (config.command() == MeridianConfig.Command.KEYS) {
      System.exit(KeysCommand.run(config.commandArgs(), System.in, System.out, System.err));
      return;
    }
    if (config.command() == MeridianConfig.Command.HELP) {
      System.out.print(MeridianConfig.help());
      return;
    }
    MeridianNode node;
    try {
      // The one place that waits: there is nothing to do until the node is up.
      node = MeridianNode.start(config, env, ExchangeListener.NONE).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("Meridian failed to start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    drain(node, config.drainTimeoutMs());
                    node.close().await(20, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    // Exiting anyway; nothing more useful to do.
                  }
                },
                "meridian-shutdown"));
    System.out.println(Banner.text(config, node));
  }

  /**
   * On SIGTERM: stop taking requests, let the ones in flight finish. Runs on the shutdown-hook thread,
   * never an event loop, so polling the counter is harmless.
   */
  private static void drain(MeridianNode node, long drainMs) throws InterruptedException {
    node.startDraining();
    LOG.info("draining: {} requests in flight, waiting up to {} ms", node.inFlight(), drainMs);
    long deadline = System.currentTimeMillis() + drainMs;
    while (node.inFlight() > 0 && System.currentTimeMillis() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    if (node.inFlight() > 0) {
      LOG.warn("drain deadline reached with {} requests still in flight", node.inFlight());
    }
  }
}
