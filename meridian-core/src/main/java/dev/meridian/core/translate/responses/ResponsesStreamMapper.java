package dev.meridian.core.translate.responses;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.SseEvent;
import dev.meridian.core.translate.ChatChoices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chat-completions stream as the Responses API's event stream, chunk by chunk (one per stream; not
 * thread safe). {@code response.created} and {@code response.in_progress} open it; each run of reasoning
 * deltas becomes a reasoning item ({@code response.reasoning_text.delta}), each run of content an
 * assistant message ({@code response.output_text.delta}), each tool call a function_call item
 * ({@code response.function_call_arguments.delta}); every item is announced ({@code
 * response.output_item.added}) and finished ({@code .done} events with the whole text). Reasoning and
 * text items close when the other kind starts; function calls stay open to the end, since providers
 * may interleave their fragments. {@code response.completed} (or {@code response.incomplete} when cut
 * off) carries the whole response with usage. Every event has a {@code sequence_number}.
 */
public final class ResponsesStreamMapper implements EventMapper {
  private static final String REASONING = "reasoning";
  private static final String TEXT = "text";
  private static final com.fasterxml.jackson.core.io.JsonStringEncoder JSON_STRINGS =
      com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance();

  private final ResponseContext context;
  /** Every output item so far, finished or not, in output order. */
  private final List<JsonObject> output = new ArrayList<>();
  /** Open function calls by the provider's tool call index. */
  private final Map<Integer, ToolItem> tools = new LinkedHashMap<>();
  private int sequence;
  /** The open reasoning or text item, or null. */
  private String open;
  private int openIndex;
  private final StringBuilder openText = new StringBuilder();
  private JsonArray openLogprobs;
  private String finishReason;
  private long outputCharacters;

  public ResponsesStreamMapper(ResponseContext context) {
    this.context = context;
  }

  @Override
  public List<SseEvent> start() {
    return List.of(
        event("response.created", new JsonObject().put("response", context.skeleton("in_progress"))),
        event("response.in_progress", new JsonObject().put("response", context.skeleton("in_progress"))));
  }

  @Override
  public List<SseEvent> onChunk(JsonObject chunk) {
    JsonObject choice = ChatChoices.first(chunk);
    if (choice == null) {
      return List.of();
    }
    List<SseEvent> out = new ArrayList<>(2);
    if (choice.getValue("delta") instanceof JsonObject delta) {
      String thinking = ChatChoices.reasoning(delta);
      if (thinking != null) {
        textDelta(out, REASONING, thinking, null);
      }
      if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
        textDelta(out, TEXT, text, OutputItems.logprobs(choice.getValue("logprobs")));
      }
      if (delta.getValue("tool_calls") instanceof JsonArray calls) {
        for (int i = 0; i < calls.size(); i++) {
          if (calls.getValue(i) instanceof JsonObject call) {
            toolCall(out, call, i);
          }
        }
      }
    }
    if (choice.getValue("finish_reason") instanceof String reason) {
      finishReason = reason;
    }
    return out;
  }

  @Override
  public List<SseEvent> onEnd(JsonObject usage) {
    List<SseEvent> out = new ArrayList<>(8);
    closeText(out);
    for (ToolItem tool : tools.values()) {
      closeTool(out, tool);
    }
    tools.clear();
    if (output.isEmpty()) {
      // Nothing was said: one empty message, as the JSON answer has.
      openText(out, TEXT);
      closeText(out);
    }
    String status = OutputItems.status(finishReason);
    JsonObject response = context.skeleton(status)
        .put("incomplete_details", OutputItems.incompleteDetails(finishReason))
        .put("output", new JsonArray(new ArrayList<>(output)))
        .put("usage", ResponsesUsage.of(usage, context.inputEstimate(), Usage.estimateTokens(outputCharacters)));
    out.add(event("completed".equals(status) ? "response.completed" : "response.incomplete",
        new JsonObject().put("response", response)));
    return out;
  }

  /**
   * A failed stream: an {@code error} event, then {@code response.failed} with what was said so far.
   */
  @Override
  public List<SseEvent> onError(OpenAiError error) {
    JsonObject failure = new JsonObject().put("code", error.code() == null ? error.type() : error.code())
        .put("message", error.message());
    JsonObject response = context.skeleton("failed").put("error", failure).put("output", new JsonArray(new ArrayList<>(output)));
    return List.of(
        event("error", new JsonObject()
            .put("code", failure.getValue("code")).put("message", error.message()).put("param", error.param())),
        event("response.failed", new JsonObject().put("response", response)));
  }

  /** The output items of the stream once it has ended (what a later item_reference may name). */
  public List<JsonObject> outputItems() {
    return output;
  }

  private void textDelta(List<SseEvent> out, String kind, String text, JsonArray logprobs) {
    if (!kind.equals(open)) {
      closeText(out);
      openText(out, kind);
    }
    openText.append(text);
    outputCharacters += text.length();
    String itemId = output.get(openIndex).getString("id");
    if (REASONING.equals(kind)) {
      out.add(event("response.reasoning_text.delta", new JsonObject()
          .put("item_id", itemId).put("output_index", openIndex).put("content_index", 0).put("delta", text)));
      return;
    }
    if (logprobs != null) {
      openLogprobs.addAll(logprobs);
      out.add(event("response.output_text.delta", new JsonObject().put("item_id", itemId).put("output_index", openIndex)
          .put("content_index", 0).put("delta", text).put("logprobs", logprobs)));
      return;
    }
    // Most events of a stream are these: Meridian's own fixed shape, written directly with the text
    // escaped by Jackson rather than built as a tree.
    StringBuilder data = new StringBuilder(120 + text.length())
        .append("{\"type\":\"response.output_text.delta\",\"sequence_number\":").append(sequence++)
        .append(",\"item_id\":\"").append(itemId).append("\",\"output_index\":").append(openIndex)
        .append(",\"content_index\":0,\"delta\":\"");
    JSON_STRINGS.quoteAsString(text, data);
    out.add(new SseEvent("response.output_text.delta", data.append("\",\"logprobs\":[]}").toString()));
  }

  private void openText(List<SseEvent> out, String kind) {
    openIndex = output.size();
    open = kind;
    openText.setLength(0);
    openLogprobs = new JsonArray();
    JsonObject item;
    JsonObject part;
    if (REASONING.equals(kind)) {
      item = new JsonObject().put("type", "reasoning").put("id", context.itemId("rs", openIndex)).put("summary", new JsonArray());
      part = OutputItems.reasoningText("");
    } else {
      item = OutputItems.message(context.itemId("msg", openIndex), "in_progress", new JsonArray());
      part = OutputItems.outputText("", null);
    }
    output.add(item);
    out.add(event("response.output_item.added", new JsonObject().put("output_index", openIndex).put("item", item.copy())));
    out.add(event("response.content_part.added", new JsonObject().put("item_id", item.getString("id"))
        .put("output_index", openIndex).put("content_index", 0).put("part", part)));
  }

  private void closeText(List<SseEvent> out) {
    if (open == null) {
      return;
    }
    String itemId = output.get(openIndex).getString("id");
    String text = openText.toString();
    JsonObject item;
    JsonObject part;
    if (REASONING.equals(open)) {
      part = OutputItems.reasoningText(text);
      item = OutputItems.reasoning(itemId, text);
      out.add(event("response.reasoning_text.done", new JsonObject().put("item_id", itemId)
          .put("output_index", openIndex).put("content_index", 0).put("text", text)));
    } else {
      part = OutputItems.outputText(text, openLogprobs);
      item = OutputItems.message(itemId, OutputItems.status(finishReason), new JsonArray().add(part));
      out.add(event("response.output_text.done", new JsonObject().put("item_id", itemId)
          .put("output_index", openIndex).put("content_index", 0).put("text", text).put("logprobs", openLogprobs)));
    }
    out.add(event("response.content_part.done", new JsonObject().put("item_id", itemId)
        .put("output_index", openIndex).put("content_index", 0).put("part", part)));
    output.set(openIndex, item);
    out.add(event("response.output_item.done", new JsonObject().put("output_index", openIndex).put("item", item)));
    open = null;
  }

  private void toolCall(List<SseEvent> out, JsonObject call, int position) {
    int toolIndex = call.getValue("index") instanceof Number n ? n.intValue() : position;
    JsonObject function = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
    ToolItem tool = tools.get(toolIndex);
    if (tool == null) {
      closeText(out);
      int index = output.size();
      String itemId = context.itemId("fc", index);
      String callId = OutputItems.callId(call.getValue("id") instanceof String s ? s : null, itemId);
      String name = function.getValue("name") instanceof String s ? s : "";
      tool = new ToolItem(index, itemId, callId, name);
      tools.put(toolIndex, tool);
      JsonObject item = OutputItems.functionCall(itemId, callId, name, "", "in_progress");
      output.add(item);
      out.add(event("response.output_item.added", new JsonObject().put("output_index", index).put("item", item.copy())));
    }
    Object arguments = function.getValue("arguments");
    String fragment = arguments instanceof JsonObject object ? object.encode() : arguments instanceof String s ? s : "";
    if (!fragment.isEmpty()) {
      tool.arguments.append(fragment);
      outputCharacters += fragment.length();
      out.add(event("response.function_call_arguments.delta", new JsonObject()
          .put("item_id", tool.itemId).put("output_index", tool.index).put("delta", fragment)));
    }
  }

  private void closeTool(List<SseEvent> out, ToolItem tool) {
    String arguments = tool.arguments.toString();
    out.add(event("response.function_call_arguments.done", new JsonObject()
        .put("item_id", tool.itemId).put("output_index", tool.index).put("name", tool.name).put("arguments", arguments)));
    JsonObject item = OutputItems.functionCall(tool.itemId, tool.callId, tool.name, arguments, "completed");
    output.set(tool.index, item);
    out.add(event("response.output_item.done", new JsonObject().put("output_index", tool.index).put("item", item)));
  }

  /** An event whose data starts with its own name as {@code type}, then its sequence number. */
  private SseEvent event(String type, JsonObject fields) {
    JsonObject data = new JsonObject().put("type", type).put("sequence_number", sequence++);
    data.mergeIn(fields);
    return SseEvent.named(type, data);
  }


  /** A function call being streamed. */
  private static final class ToolItem {
    final int index;
    final String itemId;
    final String callId;
    final String name;
    final StringBuilder arguments = new StringBuilder();

    ToolItem(int index, String itemId, String callId, String name) {
      this.index = index;
      this.itemId = itemId;
      this.callId = callId;
      this.name = name;
    }
  }
}
