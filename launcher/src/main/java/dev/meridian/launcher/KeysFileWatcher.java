package dev.meridian.launcher;

import dev.meridian.router.AccessControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the client keys file when its content changes (a rotated Kubernetes Secret, a revoked key):
 * a valid file replaces the keys at once, counts carry on; a bad one keeps the old keys and says why.
 * The file is read off the event loop; {@code meridian_keys_reloads_total{result}} counts both outcomes.
 */
final class KeysFileWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(KeysFileWatcher.class);

  private KeysFileWatcher() {}

  /** Checks {@code path} every {@code periodMs}; the timer ends with {@code vertx}. */
  static void start(Vertx vertx, Path path, long periodMs, AccessControl access, MeterRegistry registry) {
    Counter applied = Counter.builder("meridian.keys.reloads").tag("result", "applied").register(registry);
    Counter rejected = Counter.builder("meridian.keys.reloads").tag("result", "rejected").register(registry);
    String[] lastContent = {contentHash(path)};
    vertx.setPeriodic(periodMs, id ->
        vertx.executeBlocking(() -> {
              String hash = contentHash(path);
              if (hash == null || hash.equals(lastContent[0])) {
                return null;
              }
              lastContent[0] = hash;
              return ClientAccess.load(path);
            }, false)
            .onSuccess(keys -> {
              if (keys != null) {
                access.replaceKeys(keys);
                applied.increment();
                LOG.info("client keys reloaded from {}: {} keys", path, keys.size());
              }
            })
            .onFailure(error -> {
              rejected.increment();
              LOG.error("keys file {} changed but was rejected, keeping the previous keys: {}", path, error.getMessage());
            }));
  }

  /** The file's content hash, or null while it cannot be read (a Secret mid-rotation). */
  private static String contentHash(Path path) {
    try {
      return dev.meridian.core.tenancy.KeyHash.sha256Hex(Files.readString(path));
    } catch (Exception e) {
      return null;
    }
  }
}
