package dev.meridian.launcher;

import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.router.AccessControl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides who may call this node, from {@code --auth} and {@code --keys-file}: a keys file; the public
 * demo keys (the embedded default, or {@code --keys-file demo}); or nobody checked, only when asked
 * for with {@code --auth open}. A router with none of these refuses to start.
 */
final class ClientAccess {
  static final String DEMO = "demo";
  static final String DEMO_RESOURCE = "auth/demo-keys.json";
  /** The demo keys, as documented in the README and docs/security.md. */
  static final String DEMO_KEY = "sk-meridian-demo-key";
  static final String DEMO_LIMITED_KEY = "sk-meridian-demo-limited";

  private ClientAccess() {}

  /** @throws IllegalArgumentException when the settings contradict each other or no keys are given */
  static AccessControl resolve(MeridianConfig config) {
    String keysFile = config.keysFile();
    if (config.authOpen()) {
      if (!keysFile.isBlank()) {
        throw new IllegalArgumentException("--auth open and --keys-file contradict each other; choose one");
      }
      return AccessControl.open();
    }
    if (keysFile.equals(DEMO) || (keysFile.isBlank() && config.command() == MeridianConfig.Command.EMBEDDED)) {
      return AccessControl.withKeys(demoKeys());
    }
    if (keysFile.isBlank()) {
      throw new IllegalArgumentException(
          "refusing to start a router without client keys: give --keys-file (MERIDIAN_KEYS_FILE), "
              + "or --auth open (MERIDIAN_AUTH=open) when something in front of Meridian authenticates clients");
    }
    return AccessControl.withKeys(load(Path.of(keysFile)));
  }

  static ClientKeys load(Path file) {
    try {
      return ClientKeys.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the keys file " + file + ": " + e.getMessage());
    }
  }

  static ClientKeys demoKeys() {
    try (InputStream in = ClientAccess.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEMO_RESOURCE + " missing from the jar");
      }
      return ClientKeys.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEMO_RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEMO_RESOURCE, e);
    }
  }
}
