package dev.meridian.core.openai;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Limits that keep hostile bodies cheap to refuse. */
class HostileInputTest {
  static final String MESSAGE = "{\"role\":\"user\",\"content\":\"hi\"}";

  @Test
  void deepNestingIsRefusedWithoutWalkingItAll() {
    String deep = "[".repeat(500) + "]".repeat(500);
    assertThatThrownBy(() -> ChatRequestParser.parse("{\"model\":\"m\",\"messages\":[" + MESSAGE + "],\"x\":" + deep + "}"))
        .isInstanceOf(OpenAiException.class)
        .satisfies(e -> assertThat(((OpenAiException) e).error().code()).isEqualTo("nesting_too_deep"));
    String fine = "[".repeat(20) + "]".repeat(20);
    assertThat(ChatRequestParser.parse("{\"model\":\"m\",\"messages\":[" + MESSAGE + "],\"x\":" + fine + "}").model())
        .isEqualTo("m");
  }

  @Test
  void tooManyMessagesAndHugeOutputBudgetsAreRefused() {
    String many = String.join(",", java.util.Collections.nCopies(ChatRequestParser.MAX_MESSAGES + 1, MESSAGE));
    assertThatThrownBy(() -> ChatRequestParser.parse("{\"model\":\"m\",\"messages\":[" + many + "]}"))
        .satisfies(e -> assertThat(((OpenAiException) e).error().code()).isEqualTo("too_many_messages"));
    assertThatThrownBy(() -> ChatRequestParser.parse("{\"model\":\"m\",\"max_tokens\":131073,\"messages\":[" + MESSAGE + "]}"))
        .satisfies(e -> assertThat(((OpenAiException) e).error().param()).isEqualTo("max_tokens"));
  }
}
