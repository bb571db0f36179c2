package dev.meridian.core.routing;

import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What routing needs to know about a request's content, read once from the body: size, depth, and
 * whether it carries code, images or tools. Cheap: one pass over the messages, no model call.
 *
 * @param text the messages' text, lower-cased and cut to {@link #MAX_TEXT} characters, for keyword rules
 */
public record RequestProfile(
    int messages,
    long estimatedPromptTokens,
    boolean codeBlocks,
    boolean images,
    boolean tools,
    Integer maxTokens,
    String text) {
  public static final int MAX_TEXT = 20_000;

  public static RequestProfile of(ChatRequest request) {
    JsonObject body = request.body();
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    StringBuilder text = new StringBuilder();
    long characters = 0;
    boolean images = false;
    for (int i = 0; i < messages.size(); i++) {
      Object message = messages.getValue(i);
      if (!(message instanceof JsonObject m)) {
        continue;
      }
      Object content = m.getValue("content");
      if (content instanceof String s) {
        characters += s.length();
        append(text, s);
      } else if (content instanceof JsonArray parts) {
        for (int p = 0; p < parts.size(); p++) {
          if (!(parts.getValue(p) instanceof JsonObject part)) {
            continue;
          }
          // Absent and JSON-null types alike are "no type": getString would return the null.
          String type = part.getValue("type") instanceof String t ? t : "";
          if (type.equals("image_url") || type.equals("input_image") || type.equals("image")) {
            images = true;
          } else if (part.getValue("text") instanceof String s) {
            characters += s.length();
            append(text, s);
          }
        }
      }
    }
    Object tools = body.getValue("tools");
    Object functions = body.getValue("functions");
    boolean hasTools = (tools instanceof JsonArray t && !t.isEmpty()) || (functions instanceof JsonArray f && !f.isEmpty());
    String lower = text.toString().toLowerCase(Locale.ROOT);
    return new RequestProfile(
        messages.size(),
        Usage.estimateTokens(characters),
        lower.contains("```"),
        images,
        hasTools,
        request.maxTokens(),
        lower);
  }

  private static void append(StringBuilder text, String s) {
    if (text.length() < MAX_TEXT) {
      text.append(s, 0, Math.min(s.length(), MAX_TEXT - text.length())).append('\n');
    }
  }

  /** Tokens the request may occupy in a context window: prompt plus the output budget. */
  public long contextTokensNeeded(int defaultOutputTokens) {
    return estimatedPromptTokens + (maxTokens == null ? defaultOutputTokens : maxTokens);
  }
}
