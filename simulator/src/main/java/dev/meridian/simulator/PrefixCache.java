package dev.meridian.simulator;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One simulated endpoint's prompt cache, as providers keep one: the prompts it saw lately, by prefix
 * (the tools, then the messages up to each message boundary), bounded in entries and expiring. A request
 * whose longest cached prefix covers its first k messages has those tokens served from the cache: the
 * usage reports them in the provider's dialect and the first token comes sooner. Event-loop only.
 */
final class PrefixCache {
  /** Entries kept at most per endpoint. */
  static final int MAX_ENTRIES = 4_096;
  /** How long a prefix stays cached after its last use (providers keep theirs minutes to hours). */
  static final long TTL_MS = 10 * 60_000L;
  /** The share of the time to first token a fully cached prompt saves (partly cached: in proportion). */
  static final double TTFT_SAVED_WHEN_CACHED = 0.5;

  private final LinkedHashMap<Long, Long> lastUsedMs = new LinkedHashMap<>(64, 0.75f, true);

  /**
   * Looks the prompt up and remembers it: the prompt tokens of its longest cached prefix (0 on a miss).
   *
   * @param tools the request's tool definitions, or null
   */
  int lookUpAndKeep(JsonArray tools, JsonArray messages, long nowMs) {
    long hash = 0xcbf29ce484222325L;
    long chars = 0;
    if (tools != null && !tools.isEmpty()) {
      String encoded = Json.encode(tools.getList());
      hash = mix(hash, encoded);
      chars += encoded.length();
    }
    long cachedChars = 0;
    for (int i = 0; i < messages.size(); i++) {
      Object message = messages.getValue(i);
      String text = message instanceof JsonObject object ? TextGenerator.contentText(object.getValue("content")) : "";
      hash = mix(hash, message instanceof JsonObject object ? object.getString("role", "") + "\u0000" + text : text);
      chars += text.length();
      Long used = lastUsedMs.get(hash);
      boolean fresh = used != null && nowMs - used < TTL_MS;
      if (fresh && i < messages.size() - 1) {
        // A conversation's last message is new: the longest cached prefix ends before it.
        cachedChars = chars;
      }
      lastUsedMs.put(hash, nowMs);
    }
    evict(nowMs);
    return (int) Math.min(Integer.MAX_VALUE, cachedChars / 4);
  }

  int size() {
    return lastUsedMs.size();
  }

  private void evict(long nowMs) {
    Iterator<Map.Entry<Long, Long>> oldestFirst = lastUsedMs.entrySet().iterator();
    while (oldestFirst.hasNext()) {
      Map.Entry<Long, Long> entry = oldestFirst.next();
      if (lastUsedMs.size() <= MAX_ENTRIES && nowMs - entry.getValue() < TTL_MS) {
        return;
      }
      oldestFirst.remove();
    }
  }

  private static long mix(long hash, String text) {
    for (int i = 0; i < text.length(); i++) {
      hash ^= text.charAt(i);
      hash *= 0x100000001b3L;
    }
    return (hash ^ 0x1F) * 0x100000001b3L;
  }
}
