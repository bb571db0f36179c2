package dev.meridian.core.health;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable view of every endpoint's health as every region saw it. Routers read it on the request
 * path without locks; updates build a new snapshot (copy-on-write is cheap: a few hundred entries that
 * change every few seconds, against thousands of reads per second).
 */
public final class HealthSnapshot {
  public static final HealthSnapshot EMPTY = new HealthSnapshot(Map.of(), 0);

  private final Map<HealthKey, EndpointHealth> records;
  private final long version;

  private HealthSnapshot(Map<HealthKey, EndpointHealth> records, long version) {
    this.records = records;
    this.version = version;
  }

  public static HealthSnapshot of(Collection<EndpointHealth> records) {
    Map<HealthKey, EndpointHealth> map = new HashMap<>();
    for (EndpointHealth record : records) {
      map.put(record.key(), record);
    }
    return new HealthSnapshot(Collections.unmodifiableMap(map), 1);
  }

  /** The record for this key, or null when that region has not observed that endpoint. */
  public EndpointHealth get(HealthKey key) {
    return records.get(key);
  }

  public EndpointHealth get(String observerRegion, String model, String endpointRegion) {
    return records.get(new HealthKey(observerRegion, model, endpointRegion));
  }

  public HealthSnapshot with(EndpointHealth record) {
    Map<HealthKey, EndpointHealth> copy = new HashMap<>(records);
    copy.put(record.key(), record);
    return new HealthSnapshot(Collections.unmodifiableMap(copy), version + 1);
  }

  public HealthSnapshot without(HealthKey key) {
    if (!records.containsKey(key)) {
      return this;
    }
    Map<HealthKey, EndpointHealth> copy = new HashMap<>(records);
    copy.remove(key);
    return new HealthSnapshot(Collections.unmodifiableMap(copy), version + 1);
  }

  public Collection<EndpointHealth> records() {
    return records.values();
  }

  public int size() {
    return records.size();
  }

  /** Increases with every change; lets observers tell whether anything moved. */
  public long version() {
    return version;
  }
}
