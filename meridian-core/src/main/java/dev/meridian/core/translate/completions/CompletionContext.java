package dev.meridian.core.translate.completions;

import io.vertx.core.json.JsonObject;

/**
 * What rendering one legacy completion needs: its id, creation time, the model name the client sent,
 * and the prompt when the client asked for it back ({@code echo}).
 *
 * @param echoedPrompt the prompt to put before each choice's text, or null
 */
public record CompletionContext(String id, long created, String model, String echoedPrompt, boolean includeUsage) {
  public static CompletionContext of(String id, long created, JsonObject wire) {
    boolean echo = Boolean.TRUE.equals(wire.getValue("echo"));
    boolean includeUsage = wire.getValue("stream_options") instanceof JsonObject options
        && Boolean.TRUE.equals(options.getValue("include_usage"));
    return new CompletionContext(id, created, wire.getString("model"),
        echo ? CompletionsRequestMapper.prompt(wire.getValue("prompt")) : null, includeUsage);
  }
}
