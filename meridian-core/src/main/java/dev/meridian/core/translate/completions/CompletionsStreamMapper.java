package dev.meridian.core.translate.completions;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.translate.EventMapper;
import dev.meridian.core.translate.SseEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One chat-completions stream as the legacy completions stream: each chunk's choices (content, finish
 * reason, log probabilities) as {@code text_completion} chunks, the echoed prompt before a choice's first
 * text, the usage chunk when the client asked for it ({@code stream_options.include_usage}), then
 * {@code [DONE]}. An error ends it as an OpenAI error event, as on chat completions.
 */
public final class CompletionsStreamMapper implements EventMapper {
  private final CompletionContext context;
  private final Set<Integer> echoed = new HashSet<>();
  private final int[] offsets = new int[129];

  public CompletionsStreamMapper(CompletionContext context) {
    this.context = context;
  }

  @Override
  public List<SseEvent> start() {
    return List.of();
  }

  @Override
  public List<SseEvent> onChunk(JsonObject chunk) {
    if (!(chunk.getValue("choices") instanceof JsonArray choices)) {
      return List.of();
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < choices.size(); i++) {
      if (!(choices.getValue(i) instanceof JsonObject choice)) {
        continue;
      }
      int index = choice.getValue("index") instanceof Number n ? n.intValue() : i;
      JsonObject delta = choice.getValue("delta") instanceof JsonObject d ? d : new JsonObject();
      String text = delta.getValue("content") instanceof String s ? s : "";
      Object finish = choice.getValue("finish_reason");
      int prefix = 0;
      if (context.echoedPrompt() != null && echoed.add(index)) {
        text = context.echoedPrompt() + text;
        prefix = context.echoedPrompt().length();
      }
      if (text.isEmpty() && finish == null) {
        continue;
      }
      int slot = Math.floorMod(index, offsets.length);
      JsonObject logprobs = CompletionsResponseMapper.legacyLogprobs(choice.getValue("logprobs"), offsets[slot] + prefix);
      offsets[slot] += text.length();
      out.add(new JsonObject().put("text", text).put("index", index).put("logprobs", logprobs).put("finish_reason", finish));
    }
    return out.isEmpty() ? List.of() : List.of(chunk(out, null));
  }

  @Override
  public List<SseEvent> onEnd(JsonObject usage) {
    List<SseEvent> out = new ArrayList<>(2);
    if (context.includeUsage() && usage != null) {
      out.add(chunk(new JsonArray(), usage));
    }
    out.add(new SseEvent(null, "[DONE]"));
    return out;
  }

  @Override
  public List<SseEvent> onError(OpenAiError error) {
    return List.of(new SseEvent(null, error.toJson().encode()));
  }

  private SseEvent chunk(JsonArray choices, JsonObject usage) {
    JsonObject data = new JsonObject()
        .put("id", context.id())
        .put("object", "text_completion")
        .put("created", context.created())
        .put("model", context.model())
        .put("choices", choices);
    if (usage != null) {
      data.put("usage", usage);
    }
    return new SseEvent(null, data.encode());
  }
}
