package dev.meridian.core.translate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A chat completion as a Responses API response, case by case. */
class ResponsesResponseMapperTest {
  static final ResponseContext CONTEXT = new ResponseContext("resp_abc", 1_796_000_000L,
      new JsonObject().put("model", "budget").put("instructions", "Be brief.").put("max_output_tokens", 50)
          .put("metadata", new JsonObject().put("ticket", "7")),
      33);

  static JsonObject completion(String message, String finish, String usage) {
    return new JsonObject("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"qwen3-8b-upstream\",\"choices\":"
        + "[{\"index\":0,\"message\":" + message + ",\"finish_reason\":" + finish + "}]"
        + (usage == null ? "" : ",\"usage\":" + usage) + "}");
  }

  @Test
  void textBecomesOneCompletedAssistantMessageAndTheResponseEchoesTheRequest() {
    JsonObject response = ResponsesResponseMapper.map(
        completion("{\"role\":\"assistant\",\"content\":\"Hello there.\"}", "\"stop\"",
            "{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}"), CONTEXT);
    assertThat(response.getString("id")).isEqualTo("resp_abc");
    assertThat(response.getString("object")).isEqualTo("response");
    assertThat(response.getString("status")).isEqualTo("completed");
    assertThat(response.getValue("incomplete_details")).isNull();
    assertThat(response.getString("model")).isEqualTo("budget");
    assertThat(response.getString("instructions")).isEqualTo("Be brief.");
    assertThat(response.getInteger("max_output_tokens")).isEqualTo(50);
    assertThat(response.getBoolean("store")).isFalse();
    assertThat(response.getJsonObject("metadata").getString("ticket")).isEqualTo("7");
    JsonArray output = response.getJsonArray("output");
    assertThat(output).hasSize(1);
    JsonObject message = output.getJsonObject(0);
    assertThat(message.getString("type")).isEqualTo("message");
    assertThat(message.getString("id")).isEqualTo("msg_abc0");
    assertThat(message.getString("status")).isEqualTo("completed");
    assertThat(message.getString("role")).isEqualTo("assistant");
    JsonObject text = message.getJsonArray("content").getJsonObject(0);
    assertThat(text.getString("type")).isEqualTo("output_text");
    assertThat(text.getString("text")).isEqualTo("Hello there.");
    assertThat(text.getJsonArray("annotations")).isEmpty();
    assertThat(response.getJsonObject("usage").encode()).isEqualTo(
        "{\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":3,"
            + "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":15}");
  }

  @Test
  void reasoningComesFirstAsRawReasoningTextAndToolCallsAsFunctionCallItems() {
    JsonObject response = ResponsesResponseMapper.map(completion(
        "{\"role\":\"assistant\",\"reasoning_content\":\"Need the weather.\",\"content\":null,\"tool_calls\":["
            + "{\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}},"
            + "{\"id\":\"bad id!\",\"type\":\"function\",\"function\":{\"name\":\"time\",\"arguments\":{\"zone\":\"CET\"}}}]}",
        "\"tool_calls\"", null), CONTEXT);
    JsonArray output = response.getJsonArray("output");
    assertThat(output).hasSize(3);
    JsonObject reasoning = output.getJsonObject(0);
    assertThat(reasoning.getString("type")).isEqualTo("reasoning");
    assertThat(reasoning.getString("id")).isEqualTo("rs_abc0");
    assertThat(reasoning.getJsonArray("summary")).isEmpty();
    assertThat(reasoning.getJsonArray("content").getJsonObject(0).encode())
        .isEqualTo("{\"type\":\"reasoning_text\",\"text\":\"Need the weather.\"}");
    JsonObject weather = output.getJsonObject(1);
    assertThat(weather.getString("type")).isEqualTo("function_call");
    assertThat(weather.getString("id")).isEqualTo("fc_abc1");
    assertThat(weather.getString("call_id")).isEqualTo("call_9");
    assertThat(weather.getString("name")).isEqualTo("weather");
    assertThat(new JsonObject(weather.getString("arguments")).getString("city")).isEqualTo("Oslo");
    assertThat(weather.getString("status")).isEqualTo("completed");
    JsonObject time = output.getJsonObject(2);
    assertThat(time.getString("call_id")).isEqualTo("badid");
    assertThat(time.getString("arguments")).isEqualTo("{\"zone\":\"CET\"}");
    assertThat(response.getString("status")).isEqualTo("completed");
    // No usage from the provider: Meridian's estimates.
    assertThat(response.getJsonObject("usage").getInteger("input_tokens")).isEqualTo(33);
    assertThat(response.getJsonObject("usage").getInteger("output_tokens")).isPositive();
  }

  @Test
  void aCutOffAnswerIsIncompleteWithMaxOutputTokens() {
    JsonObject response = ResponsesResponseMapper.map(
        completion("{\"role\":\"assistant\",\"content\":\"Once upon\"}", "\"length\"", null), CONTEXT);
    assertThat(response.getString("status")).isEqualTo("incomplete");
    assertThat(response.getJsonObject("incomplete_details").getString("reason")).isEqualTo("max_output_tokens");
    assertThat(response.getJsonArray("output").getJsonObject(0).getString("status")).isEqualTo("incomplete");
  }

  @Test
  void cachedAndReasoningTokensAreReportedInTheirDetails() {
    JsonObject response = ResponsesResponseMapper.map(completion("{\"role\":\"assistant\",\"content\":\"ok\"}", "\"stop\"",
        "{\"prompt_tokens\":100,\"completion_tokens\":40,\"prompt_cache_hit_tokens\":64,\"prompt_cache_miss_tokens\":36,"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":30}}"), CONTEXT);
    JsonObject usage = response.getJsonObject("usage");
    assertThat(usage.getJsonObject("input_tokens_details").getInteger("cached_tokens")).isEqualTo(64);
    assertThat(usage.getJsonObject("output_tokens_details").getInteger("reasoning_tokens")).isEqualTo(30);
    assertThat(usage.getInteger("total_tokens")).isEqualTo(140);
  }

  @Test
  void logprobsAndARefusalKeepTheirPlaces() {
    JsonObject response = ResponsesResponseMapper.map(completion(
        "{\"role\":\"assistant\",\"content\":\"No\",\"refusal\":\"I can't help with that.\"}", "\"stop\"", null)
        .put("choices", new JsonArray("[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"No\","
            + "\"refusal\":\"I can't help with that.\"},\"finish_reason\":\"stop\",\"logprobs\":{\"content\":"
            + "[{\"token\":\"No\",\"logprob\":-0.1,\"bytes\":[78,111],\"top_logprobs\":[{\"token\":\"Yes\",\"logprob\":-2.5,\"bytes\":null}]}]}}]")),
        CONTEXT);
    JsonArray content = response.getJsonArray("output").getJsonObject(0).getJsonArray("content");
    JsonObject text = content.getJsonObject(0);
    JsonObject token = text.getJsonArray("logprobs").getJsonObject(0);
    assertThat(token.getString("token")).isEqualTo("No");
    assertThat(token.getDouble("logprob")).isEqualTo(-0.1);
    assertThat(token.getJsonArray("top_logprobs").getJsonObject(0).getString("token")).isEqualTo("Yes");
    assertThat(content.getJsonObject(1).encode()).isEqualTo("{\"type\":\"refusal\",\"refusal\":\"I can't help with that.\"}");
  }

  @Test
  void anAnswerWithoutChoicesStillHasOneEmptyMessage() {
    JsonObject response = ResponsesResponseMapper.map(new JsonObject().put("choices", new JsonArray()), CONTEXT);
    JsonObject text = response.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0);
    assertThat(text.getString("text")).isEmpty();
  }
}
