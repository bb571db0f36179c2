package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.routing.EndpointBlocklist.Reason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Bounds on how long an endpoint can be blocked, whatever a provider's Retry-After or another member's
 * block event says, and the parsing of those events (anything a member publishes).
 */
class BlockBoundsTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long MAX = 300_000;

  // ---------------------------------------------------------------- Retry-After

  @Test
  void retryAfterSecondsBecomeMillisecondsAndHugeOnesSaturateInsteadOfWrapping() {
    assertThat(FailoverPolicy.retryAfterMs(null)).isEqualTo(-1);
    assertThat(FailoverPolicy.retryAfterMs("30")).isEqualTo(30_000);
    assertThat(FailoverPolicy.retryAfterMs(" 7 ")).isEqualTo(7_000);
    assertThat(FailoverPolicy.retryAfterMs("+2")).isEqualTo(2_000);
    assertThat(FailoverPolicy.retryAfterMs("0")).isZero();
    assertThat(FailoverPolicy.retryAfterMs("-5")).isZero();
    assertThat(FailoverPolicy.retryAfterMs("99999999")).isEqualTo(99_999_999_000L);
    assertThat(FailoverPolicy.retryAfterMs("999999999999999")).isEqualTo(999_999_999_999_999_000L);
    // Would overflow a long once multiplied (the old code turned 1e17 s into a negative wait).
    assertThat(FailoverPolicy.retryAfterMs("100000000000000000")).isEqualTo(Long.MAX_VALUE);
    assertThat(FailoverPolicy.retryAfterMs("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    // Beyond a long altogether (the old code dropped it to the 1 s default).
    assertThat(FailoverPolicy.retryAfterMs("99999999999999999999999999")).isEqualTo(Long.MAX_VALUE);
    assertThat(FailoverPolicy.retryAfterMs("0000000000000000000000005")).as("leading zeros").isEqualTo(5_000);
    assertThat(FailoverPolicy.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(-1);
    assertThat(FailoverPolicy.retryAfterMs("1.5")).isEqualTo(-1);
    assertThat(FailoverPolicy.retryAfterMs("")).isEqualTo(-1);
  }

  // ---------------------------------------------------------------- caps

  @Test
  void ownBlocksLastAtMostMaxBlockMs() {
    assertThat(EndpointBlocklist.deadline(NOW, 30_000, MAX)).isEqualTo(NOW + 30_000);
    assertThat(EndpointBlocklist.deadline(NOW, 99_999_999_000L, MAX)).isEqualTo(NOW + MAX);
    assertThat(EndpointBlocklist.deadline(NOW, Long.MAX_VALUE, MAX)).isEqualTo(NOW + MAX);
    assertThat(EndpointBlocklist.deadline(NOW, -1, MAX)).isEqualTo(NOW);
    assertThat(EndpointBlocklist.deadline(NOW, Long.MAX_VALUE, Long.MAX_VALUE)).as("no overflow").isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void peerDeadlinesAreCutToMaxBlockMsAfterReceipt() {
    assertThat(EndpointBlocklist.capped(NOW, NOW + 10_000, MAX)).isEqualTo(NOW + 10_000);
    assertThat(EndpointBlocklist.capped(NOW, NOW + 10L * 86_400_000, MAX)).isEqualTo(NOW + MAX);
    assertThat(EndpointBlocklist.capped(NOW, Long.MAX_VALUE, MAX)).isEqualTo(NOW + MAX);
    assertThat(EndpointBlocklist.capped(NOW, NOW - 5, MAX)).as("already over: stays over").isEqualTo(NOW - 5);
    assertThat(EndpointBlocklist.capped(NOW, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    // Applied through the list: the capped deadline is what routing sees.
    EndpointBlocklist list = EndpointBlocklist.EMPTY.extend("a@r", EndpointBlocklist.capped(NOW, Long.MAX_VALUE, MAX),
        Reason.RATE_LIMITED);
    assertThat(list.isBlocked("a@r", NOW + MAX - 1)).isTrue();
    assertThat(list.isBlocked("a@r", NOW + MAX)).isFalse();
  }

  // ---------------------------------------------------------------- events

  @Test
  void whatIsPublishedParsesBackTheSame() throws Exception {
    BlockEvent block = BlockEvent.block("us-east", "node-1", "glm-5@us-east", NOW + 1_000, Reason.BREAKER_OPEN);
    assertThat(BlockEvent.parse(block.toJson())).isEqualTo(block);
    BlockEvent lift = BlockEvent.lift("us-east", "node-1", "glm-5@us-east");
    assertThat(BlockEvent.parse(lift.toJson())).isEqualTo(lift);
    // After a JSON round trip (the clustered event bus) a small number may come back as an int.
    JsonObject small = block.toJson().put("untilMs", 12);
    assertThat(BlockEvent.parse(new JsonObject(small.encode())).untilMs()).isEqualTo(12);
  }

  @Test
  void malformedEventsAreRefusedNamingTheFieldNotItsValue() {
    JsonObject valid = BlockEvent.block("us-east", "rogue", "glm-5@us-east", NOW, Reason.RATE_LIMITED).toJson();
    Object[] bodies = {
        null,
        "block glm-5@us-east",
        new JsonArray().add(valid),
        valid.copy().put("reason", "FOREVER-SECRET-VALUE"),
        valid.copy().put("reason", 1),
        valid.copy().put("reason", null),
        valid.copy().put("reason", "rate_limited"),
        valid.copy().put("untilMs", null),
        valid.copy().put("untilMs", "1800000000000"),
        valid.copy().put("untilMs", 1.8e12),
        valid.copy().put("endpoint", 42),
        valid.copy().put("endpoint", null),
        valid.copy().put("endpoint", " "),
        valid.copy().put("endpoint", "x".repeat(BlockEvent.MAX_ENDPOINT_ID_LENGTH + 1)),
        valid.copy().put("endpoint", new JsonObject()),
        valid.copy().put("action", "explode"),
        valid.copy().put("action", null),
        valid.copy().put("region", 7),
        valid.copy().put("origin", new JsonArray()),
    };
    for (Object body : bodies) {
      assertThatThrownBy(() -> BlockEvent.parse(body)).as(String.valueOf(body))
          .isInstanceOf(BlockEvent.MalformedException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("FOREVER-SECRET-VALUE"));
    }
    JsonObject withoutUntil = valid.copy();
    withoutUntil.remove("untilMs");
    assertThatThrownBy(() -> BlockEvent.parse(withoutUntil)).hasMessageContaining("'untilMs'");
    // A lift needs no deadline or reason, and unknown extra fields are harmless.
    JsonObject lift = new JsonObject().put("action", "lift").put("endpoint", "glm-5@us-east").put("region", "us-east")
        .put("extra", true);
    assertThat(catchParse(lift).action()).isEqualTo(BlockEvent.Action.LIFT);
  }

  private static BlockEvent catchParse(Object body) {
    try {
      return BlockEvent.parse(body);
    } catch (BlockEvent.MalformedException e) {
      throw new AssertionError(e);
    }
  }
}
