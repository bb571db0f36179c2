package dev.meridian.core.translate;

import dev.meridian.core.openai.OpenAiError;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A surface's stream translation: parsed chat-completions chunks in, the surface's events out. One per
 * stream, used on one thread.
 */
public interface EventMapper {
  /** The events that open the stream, before the provider's first chunk. */
  List<SseEvent> start();

  /** The events for one chunk that carries choices. */
  List<SseEvent> onChunk(JsonObject chatChunk);

  /** @param usage the upstream's usage object, or null when it sent none */
  List<SseEvent> onEnd(JsonObject usage);

  /** The events that end a failed stream. */
  List<SseEvent> onError(OpenAiError error);
}
