package dev.meridian.bench.floor;

import java.util.HashMap;
import java.util.Map;

/**
 * A reverse proxy that does nothing but the hop: every request to any path goes to one upstream URL,
 * and the response comes back as it arrives (so SSE streams pass through chunk by chunk). Benchmarked
 * beside Meridian to tell what the HTTP stack costs from what Meridian's own work adds.
 *
 * <pre>
 *   java -jar floor.jar netty|vertx --port P --upstream http://127.0.0.1:PORT/path [--threads N] [--json]
 * </pre>
 *
 * {@code --json} parses each request body into a JSON tree and encodes it again before forwarding,
 * the least any router that reads the model name must do.
 */
public final class FloorProxy {
  private FloorProxy() {}

  record Settings(int port, String upstreamHost, int upstreamPort, String upstreamPath, int threads, boolean json) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !(args[0].equals("netty") || args[0].equals("vertx"))) {
      System.err.println(
          "usage: floor.jar netty|vertx --port P --upstream http://127.0.0.1:PORT/path [--threads N] [--json]");
      System.exit(2);
    }
    Map<String, String> flags = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--json")) {
        flags.put("json", "true");
      } else if (name.startsWith("--") && i + 1 < args.length) {
        flags.put(name.substring(2), args[++i]);
      } else {
        System.err.println("unknown argument: " + name);
        System.exit(2);
      }
    }
    java.net.URI upstream = java.net.URI.create(required(flags, "upstream"));
    Settings settings =
        new Settings(
            Integer.parseInt(required(flags, "port")),
            upstream.getHost(),
            upstream.getPort(),
            upstream.getRawPath(),
            Integer.parseInt(flags.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
            flags.containsKey("json"));
    if (args[0].equals("netty")) {
      NettyFloor.start(settings);
    } else {
      VertxFloor.start(settings);
    }
  }

  private static String required(Map<String, String> flags, String name) {
    String value = flags.get(name);
    if (value == null) {
      System.err.println("--" + name + " is required");
      System.exit(2);
    }
    return value;
  }
}
