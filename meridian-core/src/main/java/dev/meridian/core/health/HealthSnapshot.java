package dev.meridian.core.health;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * An immutable view of every endpoint's health as every region saw it. Routers read it on the request
 * path without locks; updates build a new snapshot.
 *
 * <p>The records are spread over about sqrt(8n) immutable shards by key hash, and an update copies only
 * the shard it touches plus the array of shard references. Every node applies every region's probe
 * results, so updates arrive at (models x regions x observer regions) / interval per second; copying
 * the whole map per update was fine at the built-in 135 records and broke at 100,000 (20 ms and 5.8 MB
 * per update, docs/performance.md). Readers never see a half-applied update: shards are never mutated
 * once published.
 */
public final class HealthSnapshot {
  public static final HealthSnapshot EMPTY = new HealthSnapshot(new Map[] {Map.of()}, 0, 0);

  /**
   * Shards per record, squared: the shard count is the power of two whose square reaches this many times
   * the records, so a shard holds about count / 8 records. Copying the shard-reference array is a
   * memcpy while copying a shard rehashes every entry, so more, smaller shards are the cheaper update.
   */
  private static final int SHARDS_SQUARED_PER_RECORD = 8;

  private final Map<HealthKey, EndpointHealth>[] shards;
  private final int size;
  private final long version;

  private HealthSnapshot(Map<HealthKey, EndpointHealth>[] shards, int size, long version) {
    this.shards = shards;
    this.size = size;
    this.version = version;
  }

  public static HealthSnapshot of(Collection<EndpointHealth> records) {
    Map<HealthKey, EndpointHealth> byKey = new HashMap<>();
    for (EndpointHealth record : records) {
      byKey.put(record.key(), record);
    }
    return build(byKey, 1);
  }

  /**
   * This snapshot with every record of {@code records} that is newer than (or absent from) the one held
   * for its key, built in one pass: a joining node loads the whole cluster map this way.
   */
  public HealthSnapshot withAllNewer(Collection<EndpointHealth> records) {
    Map<HealthKey, EndpointHealth> byKey = allRecords(records.size());
    boolean changed = false;
    for (EndpointHealth record : records) {
      EndpointHealth existing = byKey.get(record.key());
      if (existing == null || existing.lastObservedAtMs() <= record.lastObservedAtMs()) {
        byKey.put(record.key(), record);
        changed = true;
      }
    }
    return changed ? build(byKey, version + 1) : this;
  }

  /** Every record in one new mutable map, sized for {@code more} to come. */
  private Map<HealthKey, EndpointHealth> allRecords(int more) {
    Map<HealthKey, EndpointHealth> byKey = new HashMap<>(Math.max(16, (size + more) * 4 / 3 + 1));
    for (Map<HealthKey, EndpointHealth> shard : shards) {
      byKey.putAll(shard);
    }
    return byKey;
  }

  private static HealthSnapshot build(Map<HealthKey, EndpointHealth> byKey, long version) {
    Map<HealthKey, EndpointHealth>[] shards = newShards(shardCountFor(byKey.size()));
    for (Map.Entry<HealthKey, EndpointHealth> entry : byKey.entrySet()) {
      shards[indexOf(entry.getKey(), shards.length)].put(entry.getKey(), entry.getValue());
    }
    return new HealthSnapshot(shards, byKey.size(), version);
  }

  @SuppressWarnings("unchecked")
  private static Map<HealthKey, EndpointHealth>[] newShards(int count) {
    Map<HealthKey, EndpointHealth>[] shards = new Map[count];
    for (int i = 0; i < count; i++) {
      shards[i] = new HashMap<>();
    }
    return shards;
  }

  /** A power of two near sqrt(8 n): update cost grows with sqrt(n), not n. */
  private static int shardCountFor(int records) {
    int count = 1;
    while ((long) count * count < (long) records * SHARDS_SQUARED_PER_RECORD) {
      count <<= 1;
    }
    return count;
  }

  private static int indexOf(HealthKey key, int shardCount) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (shardCount - 1);
  }

  /** The record for this key, or null when that region has not observed that endpoint. */
  public EndpointHealth get(HealthKey key) {
    return shards[indexOf(key, shards.length)].get(key);
  }

  public EndpointHealth get(String observerRegion, String model, String endpointRegion) {
    return get(new HealthKey(observerRegion, model, endpointRegion));
  }

  public HealthSnapshot with(EndpointHealth record) {
    HealthKey key = record.key();
    int index = indexOf(key, shards.length);
    boolean added = !shards[index].containsKey(key);
    int newSize = added ? size + 1 : size;
    if (added && shardCountFor(newSize) > shards.length) {
      Map<HealthKey, EndpointHealth> byKey = allRecords(1);
      byKey.put(key, record);
      return build(byKey, version + 1);
    }
    Map<HealthKey, EndpointHealth> copy = new HashMap<>(shards[index]);
    copy.put(key, record);
    return new HealthSnapshot(replaced(index, copy), newSize, version + 1);
  }

  public HealthSnapshot without(HealthKey key) {
    int index = indexOf(key, shards.length);
    if (!shards[index].containsKey(key)) {
      return this;
    }
    Map<HealthKey, EndpointHealth> copy = new HashMap<>(shards[index]);
    copy.remove(key);
    return new HealthSnapshot(replaced(index, copy), size - 1, version + 1);
  }

  private Map<HealthKey, EndpointHealth>[] replaced(int index, Map<HealthKey, EndpointHealth> shard) {
    Map<HealthKey, EndpointHealth>[] copy = shards.clone();
    copy[index] = shard;
    return copy;
  }

  /** Every record, in no particular order; a read-only view. */
  public Collection<EndpointHealth> records() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<EndpointHealth> iterator() {
        return new Iterator<>() {
          private int shard;
          private Iterator<EndpointHealth> current = shards[0].values().iterator();

          @Override
          public boolean hasNext() {
            while (!current.hasNext()) {
              if (++shard >= shards.length) {
                return false;
              }
              current = shards[shard].values().iterator();
            }
            return true;
          }

          @Override
          public EndpointHealth next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return current.next();
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  public int size() {
    return size;
  }

  /** Increases with every change; lets observers tell whether anything moved. */
  public long version() {
    return version;
  }
}
