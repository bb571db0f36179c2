package dev.meridian.launcher;

import dev.meridian.core.tenancy.KeyHash;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code bin/meridian keys}: issues client keys. {@code new} prints a fresh key once (give it to the
 * client) and the entry to paste into the keys file, which holds only its hash. {@code hash} reads a
 * key from stdin, never from the command line, where it would land in shell history and {@code ps}.
 */
final class KeysCommand {
  private KeysCommand() {}

  static int run(List<String> args, InputStream stdin, PrintStream out, PrintStream err) {
    String sub = args.isEmpty() ? "help" : args.get(0);
    switch (sub) {
      case "new" -> {
        String name = "client";
        for (int i = 1; i < args.size(); i++) {
          if (args.get(i).equals("--name") && i + 1 < args.size()) {
            name = args.get(++i);
          } else if (args.get(i).startsWith("--name=")) {
            name = args.get(i).substring("--name=".length());
          } else {
            err.println("meridian keys new: unexpected argument '" + args.get(i) + "'");
            return 2;
          }
        }
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
          err.println("meridian keys new: --name must be 1-64 letters, digits, '.', '_' or '-'");
          return 2;
        }
        String key = KeyHash.newKey();
        out.println("key (give it to the client; it is not stored anywhere): " + key);
        out.println("keys-file entry:");
        out.println(new JsonObject()
            .put("name", name)
            .put("sha256", KeyHash.sha256Hex(key))
            .put("allow", new JsonArray().add("*"))
            .put("requestsPerMinute", 600)
            .put("tokensPerMinute", 0)
            .put("budget", new JsonObject().put("dollars", 10).put("per", "day"))
            .encodePrettily());
        return 0;
      }
      case "hash" -> {
        try {
          String key = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
          if (key == null || key.trim().length() < KeyHash.MIN_KEY_LENGTH) {
            err.println("meridian keys hash: read a key of at least " + KeyHash.MIN_KEY_LENGTH + " characters from stdin");
            return 2;
          }
          out.println(KeyHash.sha256Hex(key.trim()));
          return 0;
        } catch (IOException e) {
          err.println("meridian keys hash: " + e.getMessage());
          return 1;
        }
      }
      default -> {
        out.println("Usage: bin/meridian keys new [--name NAME]   a new random key and its keys-file entry");
        out.println("       bin/meridian keys hash < key.txt      the SHA-256 to put in the keys file");
        return sub.equals("help") || sub.equals("--help") ? 0 : 2;
      }
    }
  }
}
