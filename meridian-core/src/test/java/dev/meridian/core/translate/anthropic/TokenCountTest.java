package dev.meridian.core.translate.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.routing.RequestProfile;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TokenCountTest {
  @Test
  void countsTheSystemPromptAndEveryTurnAsTheBudgetsDo() {
    String body = "{\"model\":\"plain\",\"max_tokens\":10,\"system\":\"" + "s".repeat(400) + "\",\"messages\":["
        + "{\"role\":\"user\",\"content\":\"" + "u".repeat(80) + "\"},"
        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"" + "a".repeat(40) + "\"}]},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\"" + "r".repeat(80) + "\"}]}]}";
    ChatRequest mapped = MessagesRequestMapper.map(new JsonObject(body), MessagesRequestMapperTest.CATALOG);
    JsonObject answer = TokenCount.answer(mapped);
    assertThat(answer.fieldNames()).containsExactly("input_tokens");
    assertThat(answer.getLong("input_tokens")).isEqualTo((400 + 80 + 40 + 80) / 4)
        .isEqualTo(RequestProfile.of(mapped).estimatedPromptTokens());
  }

  @Test
  void countTokensTakesNoMaxTokensButStillRefusesWhatMessagesRefuses() {
    JsonObject noBudget = new JsonObject("{\"model\":\"plain\",\"messages\":[{\"role\":\"user\",\"content\":\"abcdefgh\"}]}");
    assertThat(TokenCount.answer(MessagesRequestMapper.mapForCount(noBudget, MessagesRequestMapperTest.CATALOG)).getLong("input_tokens"))
        .isEqualTo(2);
    JsonObject badRole = new JsonObject("{\"model\":\"plain\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessagesRequestMapper.mapForCount(badRole, MessagesRequestMapperTest.CATALOG))
        .isInstanceOf(dev.meridian.core.openai.OpenAiException.class).hasMessageStartingWith("messages[0].role: ");
  }
}
