package dev.meridian.core.translate.responses;

import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The output items this router served lately, by item id, so that a client which names the previous
 * turn's items by reference ({@code item_reference}; the Vercel AI SDK does by default) gets them
 * back into the conversation. Not a response store: nothing is retrievable by response id, nothing is
 * shared with other routers, and items go after {@code ttlMs} or when the store is full (oldest first,
 * by count and by characters). Safe to share between a node's event loops: every operation is a short
 * critical section on an in-memory map.
 */
public final class ResponseItemStore {
  private final int maxItems;
  private final long maxCharacters;
  private final long ttlMs;
  private final LongSupplier clockMs;
  private final LinkedHashMap<String, Entry> items = new LinkedHashMap<>();
  private long characters;

  private record Entry(JsonObject item, long storedAtMs, int characters) {}

  /**
   * @param maxItems items kept at most
   * @param maxCharacters encoded JSON characters kept at most (an item larger than this is not kept)
   * @param ttlMs how long an item is kept
   */
  public ResponseItemStore(int maxItems, long maxCharacters, long ttlMs, LongSupplier clockMs) {
    if (maxItems < 1 || maxCharacters < 1 || ttlMs < 1) {
      throw new IllegalArgumentException("bounds must be positive");
    }
    this.maxItems = maxItems;
    this.maxCharacters = maxCharacters;
    this.ttlMs = ttlMs;
    this.clockMs = clockMs;
  }

  /** The defaults: 20,000 items, 64 Mi characters, 1 hour. */
  public static ResponseItemStore withDefaults() {
    return new ResponseItemStore(20_000, 64L << 20, 3_600_000L, System::currentTimeMillis);
  }

  /** Keeps a response's output items (reasoning items are not kept: providers take none back). */
  public void keep(List<JsonObject> output) {
    long now = clockMs.getAsLong();
    synchronized (this) {
      for (JsonObject item : output) {
        if (!(item.getValue("id") instanceof String id) || "reasoning".equals(item.getValue("type"))) {
          continue;
        }
        int size = item.encode().length();
        if (size > maxCharacters) {
          continue;
        }
        Entry previous = items.remove(id);
        if (previous != null) {
          characters -= previous.characters;
        }
        items.put(id, new Entry(item.copy(), now, size));
        characters += size;
      }
      evict(now);
    }
  }

  /** A kept item by id, or null when unknown or expired. */
  public JsonObject find(String id) {
    long now = clockMs.getAsLong();
    synchronized (this) {
      evict(now);
      Entry entry = items.get(id);
      return entry == null ? null : entry.item.copy();
    }
  }

  public synchronized int size() {
    return items.size();
  }

  private void evict(long now) {
    Iterator<Map.Entry<String, Entry>> oldestFirst = items.entrySet().iterator();
    while (oldestFirst.hasNext()) {
      Entry entry = oldestFirst.next().getValue();
      if (items.size() <= maxItems && characters <= maxCharacters && now - entry.storedAtMs < ttlMs) {
        return;
      }
      oldestFirst.remove();
      characters -= entry.characters;
    }
  }
}
