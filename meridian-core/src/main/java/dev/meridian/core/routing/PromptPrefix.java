package dev.meridian.core.routing;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The part of a chat request that providers' prompt caches keep and that stays the same from turn to
 * turn of a conversation and across the sessions of one application: the tool definitions and the
 * leading system (or developer) messages. Later turns grow the conversation, but this part is their
 * common start, so routing on it keeps a session, and every session sharing the system prompt, on one
 * endpoint. Requests translated from other surfaces (Messages' {@code system}, Responses'
 * {@code instructions}) have theirs as leading system messages too.
 *
 * @param hash a 64-bit hash of the prefix (its canonical JSON), 0 when there is none
 * @param characters its size in characters of that JSON
 */
public record PromptPrefix(long hash, long characters) {
  public static final PromptPrefix NONE = new PromptPrefix(0, 0);

  /** The prefix of a chat-completions body ({@code tools}, then the leading system/developer messages). */
  public static PromptPrefix of(JsonObject chatBody) {
    long hash = FNV_OFFSET;
    long characters = 0;
    if (chatBody.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      String encoded = Json.encode(tools.getList());
      hash = mix(hash, encoded);
      characters += encoded.length();
    }
    if (chatBody.getValue("messages") instanceof JsonArray messages) {
      for (int i = 0; i < messages.size(); i++) {
        if (!(messages.getValue(i) instanceof JsonObject message)) {
          break;
        }
        Object role = message.getValue("role");
        if (!"system".equals(role) && !"developer".equals(role)) {
          break;
        }
        Object content = message.getValue("content");
        String text = content instanceof String s ? s : Json.encode(content);
        hash = mix(hash, text);
        characters += text.length();
      }
    }
    return characters == 0 ? NONE : new PromptPrefix(finish(hash), characters);
  }

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** FNV-1a over the characters, and a separator so that "ab"+"c" and "a"+"bc" differ. */
  private static long mix(long hash, String text) {
    for (int i = 0; i < text.length(); i++) {
      hash ^= text.charAt(i);
      hash *= FNV_PRIME;
    }
    return (hash ^ 0x1F) * FNV_PRIME;
  }

  /** A final avalanche (splitmix64's), so nearby prefixes spread over the whole range. */
  static long finish(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
