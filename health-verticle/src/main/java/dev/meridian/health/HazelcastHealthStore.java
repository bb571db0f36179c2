package dev.meridian.health;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import dev.meridian.core.health.EndpointHealth;
import dev.meridian.core.health.HealthKey;
import dev.meridian.core.health.HealthState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares health records through the Hazelcast map {@value #MAP_NAME}: key {@link HealthKey#asString()},
 * value the record's JSON, both plain strings so members need no shared classes and the map can be
 * read with any Hazelcast tool.
 *
 * <p>Every node listens to the map and writes what it hears into its local {@link HealthState}; the
 * state keeps the newer observation of a key, so duplicate or late events (including the echo of this
 * node's own publish) are harmless, and after a split heals the merged value simply arrives as an event.
 */
public final class HazelcastHealthStore implements HealthStore {
  public static final String MAP_NAME = "meridian-health";

  /** An honest record is well under 2 kB (32 samples); a larger value is not one of ours. */
  static final int MAX_RECORD_CHARS = 16_384;

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastHealthStore.class);

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final HealthState state;
  private volatile IMap<String, String> map;
  private volatile UUID listenerId;

  public HazelcastHealthStore(Vertx vertx, HazelcastInstance hazelcast, HealthState state) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    this.state = Objects.requireNonNull(state, "state");
  }

  @Override
  public Future<Void> start() {
    return vertx
        .executeBlocking(
            () -> {
              IMap<String, String> health = hazelcast.getMap(MAP_NAME);
              // Listen first, then read: a record written in between arrives at least once.
              UUID id = health.addEntryListener(new Listener(), true);
              int loaded = 0;
              for (Map.Entry<String, String> entry : health.entrySet()) {
                if (apply(entry.getKey(), entry.getValue())) {
                  loaded++;
                }
              }
              map = health;
              listenerId = id;
              return loaded;
            })
        .map(
            loaded -> {
              LOG.info("health store started: {} records loaded from map {}", loaded, MAP_NAME);
              return null;
            });
  }

  @Override
  public Future<Void> publish(EndpointHealth record) {
    state.putLocal(record, System.currentTimeMillis());
    IMap<String, String> health = map;
    if (health == null) {
      return Future.failedFuture(new IllegalStateException("health store not started"));
    }
    return Future.fromCompletionStage(
        health.setAsync(record.key().asString(), record.toJson().encode()),
        vertx.getOrCreateContext());
  }

  @Override
  public Future<Void> stop() {
    IMap<String, String> health = map;
    UUID id = listenerId;
    map = null;
    listenerId = null;
    if (health == null || id == null || !hazelcast.getLifecycleService().isRunning()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          health.removeEntryListener(id);
          return null;
        });
  }

  @Override
  public HealthState state() {
    return state;
  }

  /**
   * Parses one map value into the local state. Any member can write the map, so the value is checked
   * like input ({@link HealthState#putFromPeer}); a bad one is logged and skipped, never fatal.
   */
  private boolean apply(String key, Object value) {
    if (!(value instanceof String text) || text.length() > MAX_RECORD_CHARS) {
      LOG.warn("ignoring health record {}: not a JSON string of at most {} characters", safe(key), MAX_RECORD_CHARS);
      return false;
    }
    try {
      String refused = state.putFromPeer(EndpointHealth.fromJson(new JsonObject(text)), System.currentTimeMillis());
      if (refused != null) {
        LOG.debug("ignoring health record {}: {}", safe(key), refused);
      }
      return refused == null;
    } catch (RuntimeException e) {
      LOG.warn("ignoring unreadable health record {}: {}", safe(key), Errors.describe(e));
      return false;
    }
  }

  private void forget(String key) {
    try {
      state.removeFromPeer(HealthKey.parse(key), System.currentTimeMillis());
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring removal of unreadable health key {}", safe(key));
    }
  }

  /** Keys come from any member: logged shortened, so a forged one cannot flood the log. */
  private static String safe(String key) {
    return key == null || key.length() <= 200 ? key : key.substring(0, 200) + "...";
  }

  /** Runs on Hazelcast event threads; {@link HealthState} is thread-safe. */
  private final class Listener
      implements EntryAddedListener<String, String>,
          EntryUpdatedListener<String, String>,
          EntryMergedListener<String, String>,
          EntryRemovedListener<String, String>,
          EntryEvictedListener<String, String>,
          EntryExpiredListener<String, String>,
          MapClearedListener {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryMerged(EntryEvent<String, String> event) {
      apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      forget(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
      forget(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, String> event) {
      forget(event.getKey());
    }

    @Override
    public void mapCleared(MapEvent event) {
      LOG.info("health map {} cleared; keeping local records until new probes replace them", MAP_NAME);
    }
  }
}
