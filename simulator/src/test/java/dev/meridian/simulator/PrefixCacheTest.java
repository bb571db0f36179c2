package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PrefixCacheTest {
  static JsonArray conversation(String... contents) {
    JsonArray messages = new JsonArray();
    for (int i = 0; i < contents.length; i++) {
      messages.add(new JsonObject().put("role", i == 0 ? "system" : i % 2 == 1 ? "user" : "assistant").put("content", contents[i]));
    }
    return messages;
  }

  @Test
  void theLongestPrefixSeenIsServedAndTheLastMessageNever() {
    PrefixCache cache = new PrefixCache();
    String system = "s".repeat(400);
    assertThat(cache.lookUpAndKeep(null, conversation(system, "q1"), 0)).isZero();
    assertThat(cache.lookUpAndKeep(null, conversation(system, "q2"), 1)).isEqualTo(100);
    // The next turn resends the exchange: what the last prompt held is cached, the answer was not in it.
    assertThat(cache.lookUpAndKeep(null, conversation(system, "q2", "a".repeat(40), "q3"), 2)).isEqualTo((400 + 2) / 4);
    // The turn after: the whole previous prompt is.
    assertThat(cache.lookUpAndKeep(null, conversation(system, "q2", "a".repeat(40), "q3", "b".repeat(40), "q4"), 3))
        .isEqualTo((400 + 2 + 40 + 2) / 4);
    // Another system prompt, or other tools, share nothing.
    assertThat(cache.lookUpAndKeep(null, conversation("t".repeat(400), "q2"), 4)).isZero();
    JsonArray tools = new JsonArray().add(new JsonObject().put("type", "function"));
    assertThat(cache.lookUpAndKeep(tools, conversation(system, "q2"), 5)).isZero();
    assertThat(cache.lookUpAndKeep(tools, conversation(system, "q9"), 6)).isGreaterThan(100);
  }

  @Test
  void entriesExpireAndAreBounded() {
    PrefixCache cache = new PrefixCache();
    String system = "s".repeat(400);
    cache.lookUpAndKeep(null, conversation(system, "q1"), 0);
    assertThat(cache.lookUpAndKeep(null, conversation(system, "q2"), PrefixCache.TTL_MS + 1)).as("expired").isZero();
    for (int i = 0; i < PrefixCache.MAX_ENTRIES + 100; i++) {
      cache.lookUpAndKeep(null, conversation("p" + i), PrefixCache.TTL_MS + 2);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(PrefixCache.MAX_ENTRIES);
  }
}
