package dev.meridian.core.translate.anthropic;

import dev.meridian.core.openai.Usage;
import dev.meridian.core.translate.ChatChoices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A chat completion as an Anthropic message: the first choice's reasoning as a thinking block, its
 * text, then each tool call as a tool_use block; the stop reason and the usage mapped. A completion
 * with nothing in it still gets one empty text block, so {@code content[0].text} reads as "".
 */
public final class MessagesResponseMapper {
  private MessagesResponseMapper() {}

  public static JsonObject map(JsonObject completion, MessageContext context) {
    JsonObject choice = ChatChoices.first(completion);
    JsonObject message = choice == null ? null : choice.getValue("message") instanceof JsonObject m ? m : null;
    JsonArray content = new JsonArray();
    long outputCharacters = 0;
    if (message != null) {
      String reasoning = ChatChoices.reasoning(message);
      if (reasoning != null) {
        content.add(new JsonObject().put("type", "thinking").put("thinking", reasoning).put("signature", ""));
        outputCharacters += reasoning.length();
      }
      if (message.getValue("content") instanceof String text && !text.isEmpty()) {
        content.add(text(text));
        outputCharacters += text.length();
      }
      if (message.getValue("tool_calls") instanceof JsonArray calls) {
        for (int i = 0; i < calls.size(); i++) {
          JsonObject block = toolUse(calls.getValue(i), i, context);
          if (block != null) {
            content.add(block);
            outputCharacters += block.getJsonObject("input").encode().length();
          }
        }
      }
    }
    if (content.isEmpty()) {
      content.add(text(""));
    }
    String finishReason = choice != null && choice.getValue("finish_reason") instanceof String f ? f : null;
    String matched = StopReasons.matchedStop(choice, context.stopSequences());
    JsonObject usage = completion.getValue("usage") instanceof JsonObject u ? u : null;
    return new JsonObject()
        .put("id", context.id())
        .put("type", "message")
        .put("role", "assistant")
        .put("model", context.model())
        .put("content", content)
        .put("stop_reason", StopReasons.of(finishReason, matched))
        .put("stop_sequence", matched)
        .put("usage", AnthropicUsage.of(usage, context.inputEstimate(), Usage.estimateTokens(outputCharacters)));
  }

  static JsonObject text(String text) {
    return new JsonObject().put("type", "text").put("text", text);
  }

  private static JsonObject toolUse(Object value, int index, MessageContext context) {
    if (!(value instanceof JsonObject call) || !(call.getValue("function") instanceof JsonObject function)) {
      return null;
    }
    String upstreamId = call.getValue("id") instanceof String s ? s : null;
    String name = function.getValue("name") instanceof String s ? s : "";
    return new JsonObject()
        .put("type", "tool_use")
        .put("id", context.toolUseId(upstreamId, index))
        .put("name", name)
        .put("input", MessageContext.input(function.getValue("arguments")));
  }

}
