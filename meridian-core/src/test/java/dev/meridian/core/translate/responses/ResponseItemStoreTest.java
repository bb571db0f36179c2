package dev.meridian.core.translate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseItemStoreTest {
  final AtomicLong clock = new AtomicLong(1_000);

  static JsonObject item(String id, String type, int size) {
    return new JsonObject().put("id", id).put("type", type).put("text", "x".repeat(size));
  }

  @Test
  void keepsServedItemsButNotReasoningAndHandsOutCopies() {
    ResponseItemStore store = new ResponseItemStore(10, 10_000, 60_000, clock::get);
    store.keep(List.of(item("rs_1", "reasoning", 5), item("msg_1", "message", 5), item("fc_1", "function_call", 5)));
    assertThat(store.find("rs_1")).isNull();
    assertThat(store.find("msg_1").getString("type")).isEqualTo("message");
    store.find("fc_1").put("text", "changed");
    assertThat(store.find("fc_1").getString("text")).isEqualTo("xxxxx");
  }

  @Test
  void itemsExpireAfterTheTtl() {
    ResponseItemStore store = new ResponseItemStore(10, 10_000, 60_000, clock::get);
    store.keep(List.of(item("msg_1", "message", 5)));
    clock.addAndGet(59_999);
    assertThat(store.find("msg_1")).isNotNull();
    clock.addAndGet(1);
    assertThat(store.find("msg_1")).isNull();
    assertThat(store.size()).isZero();
  }

  @Test
  void theOldestGoFirstWhenTheCountOrTheCharactersRunOut() {
    ResponseItemStore byCount = new ResponseItemStore(2, 10_000, 60_000, clock::get);
    byCount.keep(List.of(item("a", "message", 1), item("b", "message", 1), item("c", "message", 1)));
    assertThat(byCount.find("a")).isNull();
    assertThat(byCount.find("b")).isNotNull();
    assertThat(byCount.find("c")).isNotNull();

    int size = item("a", "message", 100).encode().length();
    ResponseItemStore byCharacters = new ResponseItemStore(100, 2L * size, 60_000, clock::get);
    byCharacters.keep(List.of(item("a", "message", 100), item("b", "message", 100)));
    assertThat(byCharacters.find("a")).isNotNull();
    byCharacters.keep(List.of(item("c", "message", 100)));
    assertThat(byCharacters.find("a")).isNull();
    assertThat(byCharacters.find("c")).isNotNull();
    // An item larger than the whole store is not kept (and pushes nothing out).
    byCharacters.keep(List.of(item("huge", "message", 10_000)));
    assertThat(byCharacters.find("huge")).isNull();
    assertThat(byCharacters.find("b")).isNotNull();
  }
}
