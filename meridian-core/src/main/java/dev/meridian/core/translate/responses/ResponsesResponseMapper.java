package dev.meridian.core.translate.responses;

import dev.meridian.core.openai.Usage;
import dev.meridian.core.translate.ChatChoices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A chat completion as a Responses API response: the first choice's reasoning as a reasoning item,
 * its text (or refusal) as one assistant message, then each tool call as a function_call item; the
 * finish reason as the status ({@code length} is {@code incomplete} with {@code max_output_tokens}) and
 * the usage mapped. The response echoes the request's settings and the model name the client sent.
 */
public final class ResponsesResponseMapper {
  private ResponsesResponseMapper() {}

  public static JsonObject map(JsonObject completion, ResponseContext context) {
    JsonObject choice = ChatChoices.first(completion);
    JsonObject message = choice != null && choice.getValue("message") instanceof JsonObject m ? m : null;
    String finishReason = choice != null && choice.getValue("finish_reason") instanceof String f ? f : null;
    String itemStatus = OutputItems.status(finishReason);
    JsonArray output = new JsonArray();
    long outputCharacters = 0;
    if (message != null) {
      String thinking = ChatChoices.reasoning(message);
      if (thinking != null) {
        output.add(OutputItems.reasoning(context.itemId("rs", output.size()), thinking));
        outputCharacters += thinking.length();
      }
      JsonArray content = new JsonArray();
      if (message.getValue("content") instanceof String text && !text.isEmpty()) {
        content.add(OutputItems.outputText(text, OutputItems.logprobs(choice.getValue("logprobs"))));
        outputCharacters += text.length();
      }
      if (message.getValue("refusal") instanceof String refusal && !refusal.isEmpty()) {
        content.add(OutputItems.refusal(refusal));
      }
      boolean calls = message.getValue("tool_calls") instanceof JsonArray list && !list.isEmpty();
      if (!content.isEmpty() || !calls) {
        // An answer with nothing in it still has one message, so output_text reads as "".
        if (content.isEmpty()) {
          content.add(OutputItems.outputText("", null));
        }
        output.add(OutputItems.message(context.itemId("msg", output.size()), itemStatus, content));
      }
      if (calls) {
        JsonArray list = message.getJsonArray("tool_calls");
        for (int i = 0; i < list.size(); i++) {
          if (list.getValue(i) instanceof JsonObject call && call.getValue("function") instanceof JsonObject function) {
            String itemId = context.itemId("fc", output.size());
            Object arguments = function.getValue("arguments");
            String text = arguments instanceof JsonObject object ? object.encode() : arguments instanceof String s ? s : "";
            output.add(OutputItems.functionCall(itemId,
                OutputItems.callId(call.getValue("id") instanceof String s ? s : null, itemId),
                function.getValue("name") instanceof String s ? s : "", text, "completed"));
            outputCharacters += text.length();
          }
        }
      }
    } else {
      output.add(OutputItems.message(context.itemId("msg", 0), itemStatus, new JsonArray().add(OutputItems.outputText("", null))));
    }
    JsonObject usage = completion.getValue("usage") instanceof JsonObject u ? u : null;
    return context.skeleton(OutputItems.status(finishReason))
        .put("incomplete_details", OutputItems.incompleteDetails(finishReason))
        .put("output", output)
        .put("usage", ResponsesUsage.of(usage, context.inputEstimate(), Usage.estimateTokens(outputCharacters)));
  }

}
