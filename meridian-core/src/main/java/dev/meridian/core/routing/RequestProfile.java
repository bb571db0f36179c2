package dev.meridian.core.routing;

import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What routing needs to know about a request's content, read once from the body: size, depth, and
 * whether it carries code, images or tools. Cheap: one pass over the messages, no model call.
 *
 * <p>The messages' text for keyword rules ({@link #text()}) is only assembled when a rule asks for it:
 * building, lower-casing and copying it was an eighth of the bytes the router allocated per request
 * (async-profiler, 2026-12-04), and only {@code model: "auto"} with keyword rules reads it.
 */
public final class RequestProfile {
  public static final int MAX_TEXT = 20_000;
  private static final JsonArray NO_MESSAGES = new JsonArray();

  private final int messages;
  private final long estimatedPromptTokens;
  private final boolean codeBlocks;
  private final boolean images;
  private final boolean tools;
  private final Integer maxTokens;
  /** Where {@link #text()} is read from when it has not been given. */
  private final JsonArray source;
  private String text;

  /**
   * A profile with its text given.
   *
   * @param text the messages' text, lower-cased and cut to {@link #MAX_TEXT} characters, for keyword rules
   */
  public RequestProfile(
      int messages,
      long estimatedPromptTokens,
      boolean codeBlocks,
      boolean images,
      boolean tools,
      Integer maxTokens,
      String text) {
    this(messages, estimatedPromptTokens, codeBlocks, images, tools, maxTokens, null, Objects.requireNonNull(text));
  }

  private RequestProfile(
      int messages,
      long estimatedPromptTokens,
      boolean codeBlocks,
      boolean images,
      boolean tools,
      Integer maxTokens,
      JsonArray source,
      String text) {
    this.messages = messages;
    this.estimatedPromptTokens = estimatedPromptTokens;
    this.codeBlocks = codeBlocks;
    this.images = images;
    this.tools = tools;
    this.maxTokens = maxTokens;
    this.source = source;
    this.text = text;
  }

  public static RequestProfile of(ChatRequest request) {
    JsonObject body = request.body();
    JsonArray messages = body.getJsonArray("messages", NO_MESSAGES);
    Counts counts = new Counts();
    boolean images = forEachText(messages, counts);
    Object tools = body.getValue("tools");
    Object functions = body.getValue("functions");
    boolean hasTools = (tools instanceof JsonArray t && !t.isEmpty()) || (functions instanceof JsonArray f && !f.isEmpty());
    return new RequestProfile(
        messages.size(), Usage.estimateTokens(counts.characters), counts.codeBlocks, images, hasTools,
        request.maxTokens(), messages, null);
  }

  /** Characters, and code fences within the text's cut, counted without building the text. */
  private static final class Counts implements Consumer<String> {
    long characters;
    /** The length text() will have so far: each part cut to what is left of MAX_TEXT, plus a newline. */
    int textLength;
    boolean codeBlocks;

    @Override
    public void accept(String s) {
      characters += s.length();
      if (textLength < MAX_TEXT) {
        int kept = Math.min(s.length(), MAX_TEXT - textLength);
        codeBlocks |= hasCodeFence(s, kept);
        textLength += kept + 1;
      }
    }
  }

  /**
   * Hands each text of the messages to {@code text} in order: string contents, and the text parts of
   * multi-part contents. Returns whether any part was an image.
   */
  private static boolean forEachText(JsonArray messages, Consumer<String> text) {
    boolean images = false;
    for (int i = 0; i < messages.size(); i++) {
      if (!(messages.getValue(i) instanceof JsonObject m)) {
        continue;
      }
      Object content = m.getValue("content");
      if (content instanceof String s) {
        text.accept(s);
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
            text.accept(s);
          }
        }
      }
    }
    return images;
  }

  /** Whether a ``` fence lies wholly within the first {@code limit} characters of {@code s}. */
  private static boolean hasCodeFence(String s, int limit) {
    int at = s.indexOf("```");
    return at >= 0 && at + 3 <= limit;
  }

  public int messages() {
    return messages;
  }

  public long estimatedPromptTokens() {
    return estimatedPromptTokens;
  }

  public boolean codeBlocks() {
    return codeBlocks;
  }

  public boolean images() {
    return images;
  }

  public boolean tools() {
    return tools;
  }

  public Integer maxTokens() {
    return maxTokens;
  }

  /**
   * The messages' text parts, each followed by a newline, cut to {@link #MAX_TEXT} characters and
   * lower-cased; built on first use. A profile belongs to one request on one thread, so no lock.
   */
  public String text() {
    String built = text;
    if (built == null) {
      built = text = textOf(source);
    }
    return built;
  }

  private static String textOf(JsonArray messages) {
    StringBuilder text = new StringBuilder();
    forEachText(messages, s -> append(text, s));
    return text.toString().toLowerCase(Locale.ROOT);
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

  @Override
  public boolean equals(Object other) {
    return other instanceof RequestProfile p
        && messages == p.messages
        && estimatedPromptTokens == p.estimatedPromptTokens
        && codeBlocks == p.codeBlocks
        && images == p.images
        && tools == p.tools
        && Objects.equals(maxTokens, p.maxTokens)
        && text().equals(p.text());
  }

  @Override
  public int hashCode() {
    return Objects.hash(messages, estimatedPromptTokens, codeBlocks, images, tools, maxTokens, text());
  }

  @Override
  public String toString() {
    return "RequestProfile[messages=" + messages + ", estimatedPromptTokens=" + estimatedPromptTokens
        + ", codeBlocks=" + codeBlocks + ", images=" + images + ", tools=" + tools + ", maxTokens=" + maxTokens + "]";
  }
}
