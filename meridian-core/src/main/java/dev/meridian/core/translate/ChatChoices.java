package dev.meridian.core.translate;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reading a provider's chat-completions answer or chunk for surfaces that render one choice. */
public final class ChatChoices {
  private ChatChoices() {}

  /**
   * Choice 0 of a completion or a stream chunk (the one with {@code index} 0, or without an index), or
   * null when there is none: Messages and Responses have no {@code n}.
   */
  public static JsonObject first(JsonObject completionOrChunk) {
    if (!(completionOrChunk.getValue("choices") instanceof JsonArray choices)) {
      return null;
    }
    for (int i = 0; i < choices.size(); i++) {
      if (choices.getValue(i) instanceof JsonObject choice
          && (!(choice.getValue("index") instanceof Number n) || n.intValue() == 0)) {
        return choice;
      }
    }
    return null;
  }

  /** The reasoning text of a message or delta: {@code reasoning_content} (DeepSeek, Kimi) or {@code reasoning}. */
  public static String reasoning(JsonObject messageOrDelta) {
    Object reasoning = messageOrDelta.getValue("reasoning_content");
    if (!(reasoning instanceof String)) {
      reasoning = messageOrDelta.getValue("reasoning");
    }
    return reasoning instanceof String text && !text.isEmpty() ? text : null;
  }
}
