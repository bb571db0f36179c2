package dev.meridian.core.translate.anthropic;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.Usage;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.SseEvent;
import dev.meridian.core.translate.ChatChoices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One chat-completions stream as Anthropic's event stream, chunk by chunk (one per stream; not thread
 * safe). {@code message_start} and a {@code ping} open it; each run of reasoning deltas becomes a
 * thinking block, each run of content a text block, each tool call its own tool_use block (the
 * arguments as {@code input_json_delta}s), one block open at a time and in the order the provider
 * streams them. The end closes the open block and sends {@code message_delta} (stop reason, usage)
 * and {@code message_stop}. Only the first choice is read (Messages has no {@code n}).
 */
public final class MessagesStreamMapper implements EventMapper {
  private static final String THINKING = "thinking";
  private static final String TEXT = "text";

  private final MessageContext context;
  /** Block index of each tool call, by the provider's tool call index. */
  private final Map<Integer, Integer> toolBlocks = new HashMap<>();
  private int blocks;
  /** The open block's kind ({@code thinking}, {@code text}, {@code tool:N}), or null. */
  private String open;
  private String finishReason;
  private String matchedStop;
  private long outputCharacters;

  public MessagesStreamMapper(MessageContext context) {
    this.context = context;
  }

  @Override
  public List<SseEvent> start() {
    JsonObject usage = new JsonObject()
        .put("input_tokens", context.inputEstimate())
        .put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", 0)
        .put("output_tokens", 0);
    JsonObject message = new JsonObject()
        .put("id", context.id())
        .put("type", "message")
        .put("role", "assistant")
        .put("model", context.model())
        .put("content", new JsonArray())
        .put("stop_reason", null)
        .put("stop_sequence", null)
        .put("usage", usage);
    return List.of(
        event("message_start", new JsonObject().put("message", message)),
        event("ping", new JsonObject()));
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
        delta(out, THINKING, "thinking_delta", "thinking", thinking);
        outputCharacters += thinking.length();
      }
      if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
        delta(out, TEXT, "text_delta", "text", text);
        outputCharacters += text.length();
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
      matchedStop = StopReasons.matchedStop(choice, context.stopSequences());
    }
    return out;
  }

  @Override
  public List<SseEvent> onEnd(JsonObject usage) {
    List<SseEvent> out = new ArrayList<>(5);
    close(out);
    if (blocks == 0) {
      // Nothing was said: one empty text block, as the JSON answer has.
      startBlock(out, TEXT, MessagesResponseMapper.text(""));
      close(out);
    }
    JsonObject delta = new JsonObject()
        .put("stop_reason", StopReasons.of(finishReason, matchedStop))
        .put("stop_sequence", matchedStop);
    JsonObject mapped = AnthropicUsage.of(usage, context.inputEstimate(), Usage.estimateTokens(outputCharacters));
    out.add(event("message_delta", new JsonObject().put("delta", delta).put("usage", mapped)));
    out.add(event("message_stop", new JsonObject()));
    return out;
  }

  @Override
  public List<SseEvent> onError(OpenAiError error) {
    return List.of(AnthropicErrors.event(error));
  }

  private void toolCall(List<SseEvent> out, JsonObject call, int position) {
    int toolIndex = call.getValue("index") instanceof Number n ? n.intValue() : position;
    JsonObject function = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
    Integer block = toolBlocks.get(toolIndex);
    if (block == null) {
      String upstreamId = call.getValue("id") instanceof String s ? s : null;
      JsonObject start = new JsonObject()
          .put("type", "tool_use")
          .put("id", context.toolUseId(upstreamId, toolIndex))
          .put("name", function.getValue("name") instanceof String s ? s : "")
          .put("input", new JsonObject());
      block = startBlock(out, "tool:" + toolIndex, start);
      toolBlocks.put(toolIndex, block);
    }
    Object arguments = function.getValue("arguments");
    String fragment = arguments instanceof JsonObject object ? object.encode() : arguments instanceof String s ? s : "";
    if (!fragment.isEmpty()) {
      // A late fragment of a call whose block is closed (a provider interleaving calls) keeps its index.
      out.add(blockDelta(block, new JsonObject().put("type", "input_json_delta").put("partial_json", fragment)));
      outputCharacters += fragment.length();
    }
  }

  /**
   * A delta for a thinking or text block, opening one when another kind is open. Most events of a
   * stream are these, so their JSON (Meridian's own, fixed shape) is written directly, the text
   * escaped by Jackson, rather than built as a tree and encoded: a third of the stream's CPU.
   */
  private void delta(List<SseEvent> out, String kind, String deltaType, String field, String text) {
    if (!kind.equals(open)) {
      JsonObject start = THINKING.equals(kind)
          ? new JsonObject().put("type", "thinking").put("thinking", "").put("signature", "")
          : MessagesResponseMapper.text("");
      startBlock(out, kind, start);
    }
    StringBuilder data = new StringBuilder(80 + text.length())
        .append("{\"type\":\"content_block_delta\",\"index\":").append(blocks - 1)
        .append(",\"delta\":{\"type\":\"").append(deltaType).append("\",\"").append(field).append("\":\"");
    JSON_STRINGS.quoteAsString(text, data);
    out.add(new SseEvent("content_block_delta", data.append("\"}}").toString()));
  }

  private static final com.fasterxml.jackson.core.io.JsonStringEncoder JSON_STRINGS =
      com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance();

  private int startBlock(List<SseEvent> out, String kind, JsonObject contentBlock) {
    close(out);
    int index = blocks++;
    out.add(event("content_block_start", new JsonObject().put("index", index).put("content_block", contentBlock)));
    open = kind;
    return index;
  }

  private void close(List<SseEvent> out) {
    if (open != null) {
      out.add(event("content_block_stop", new JsonObject().put("index", blocks - 1)));
      open = null;
    }
  }

  private static SseEvent blockDelta(int index, JsonObject delta) {
    return event("content_block_delta", new JsonObject().put("index", index).put("delta", delta));
  }

  /** An event whose data carries its own name as {@code type}, first, as Anthropic writes them. */
  private static SseEvent event(String type, JsonObject fields) {
    JsonObject data = new JsonObject().put("type", type);
    data.mergeIn(fields);
    return SseEvent.named(type, data);
  }

}
