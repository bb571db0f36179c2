package dev.meridian.launcher;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.routing.RoutingRules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the catalog (models, tiers, fallback chains, classifier rules) when its file changes, without
 * a restart. The file is polled by content hash, which also catches a Kubernetes ConfigMap update (a
 * symlink swap that keeps no useful mtime). A new file is validated whole before it replaces the old
 * rules atomically; a bad one keeps the old rules and says exactly what is wrong in the log and in
 * {@code meridian_catalog_reloads_total{result="rejected"}}.
 */
final class CatalogWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogWatcher.class);

  private final Vertx vertx;
  private final Path file;
  private final RoutingRules rules;
  private final UnaryOperator<Catalog> adapt;
  private final Consumer<Catalog> onApplied;
  private final Counter applied;
  private final Counter rejected;
  private final AtomicLong loadedAtSeconds = new AtomicLong(System.currentTimeMillis() / 1000);
  private String lastHash;
  private long timer = -1;

  /**
   * @param adapt applied to every loaded catalog before use (e.g. pointing it at the simulator); may
   *     refuse it by throwing, which rejects the reload
   * @param onApplied told after a new catalog is in force (e.g. to re-plan probes)
   */
  CatalogWatcher(
      Vertx vertx, Path file, RoutingRules rules, UnaryOperator<Catalog> adapt, Consumer<Catalog> onApplied,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.file = file;
    this.rules = rules;
    this.adapt = adapt;
    this.onApplied = onApplied;
    this.applied = Counter.builder("meridian.catalog.reloads").tag("result", "applied").register(registry);
    this.rejected = Counter.builder("meridian.catalog.reloads").tag("result", "rejected").register(registry);
    Gauge.builder("meridian.catalog.loaded.timestamp.seconds", loadedAtSeconds, AtomicLong::get)
        .description("When the catalog in force was loaded")
        .register(registry);
    this.lastHash = hashOrNull();
  }

  void start(long intervalMs) {
    timer = vertx.setPeriodic(intervalMs, id -> check());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Reads and parses off the event loop; swaps on it. */
  private void check() {
    vertx.executeBlocking(() -> {
          String hash = hashOrNull();
          if (hash == null || hash.equals(lastHash)) {
            return null;
          }
          lastHash = hash;
          // Adapted here, not on the event loop, so a catalog the adaptation refuses (a key that would
          // go out in cleartext) takes the rejection path below like any invalid file.
          return adapt.apply(CatalogLoader.load(file));
        }, false)
        .onSuccess(catalog -> {
          if (catalog == null) {
            return;
          }
          String before = rules.replace(catalog).catalog().version();
          loadedAtSeconds.set(System.currentTimeMillis() / 1000);
          applied.increment();
          LOG.info("catalog reloaded from {}: version {} -> {}, {} models", file, before, catalog.version(),
              catalog.models().size());
          onApplied.accept(catalog);
        })
        .onFailure(error -> {
          rejected.increment();
          LOG.error("catalog {} changed but was rejected, keeping version {}: {}", file,
              rules.catalog().version(), error.getMessage());
        });
  }

  private String hashOrNull() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      return HexFormat.of().formatHex(digest);
    } catch (Exception e) {
      return null;
    }
  }
}
