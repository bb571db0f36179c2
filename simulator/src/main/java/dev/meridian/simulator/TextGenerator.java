package dev.meridian.simulator;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Deterministic simulated text: a token is one word of a short vocabulary plus a space, chosen from a
 * seed derived from the model and the messages. The same request therefore gets the same content from
 * every region and whether it came directly or through the router, which tests compare.
 */
final class TextGenerator {
  private static final String[] WORDS = {
    "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
    "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim",
    "ad", "minim", "veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi",
    "aliquip", "ex", "ea", "commodo"
  };
  /** Coprime with the vocabulary size, so consecutive tokens walk the whole vocabulary. */
  private static final int STRIDE = 7;
  private static final String[] TOKENS = new String[WORDS.length];
  /** Tokens as JSON string literals, encoded once: chunks are built by concatenation on the hot path. */
  private static final String[] JSON_TOKENS = new String[WORDS.length];

  static {
    for (int i = 0; i < WORDS.length; i++) {
      TOKENS[i] = WORDS[i] + " ";
      JSON_TOKENS[i] = Json.encode(TOKENS[i]);
    }
  }

  private TextGenerator() {}

  /** A seed that depends only on the model and what the messages say (roles and text). */
  static int seed(String modelId, JsonArray messages) {
    int hash = modelId.hashCode();
    for (int i = 0; i < messages.size(); i++) {
      if (messages.getValue(i) instanceof JsonObject message) {
        hash = 31 * hash + String.valueOf(message.getValue("role")).hashCode();
        hash = 31 * hash + contentText(message.getValue("content")).hashCode();
      }
    }
    return hash;
  }

  /** The token at {@code index} of the text seeded by {@code seed}. */
  static String token(int seed, int index) {
    return TOKENS[slot(seed, index)];
  }

  /** Same, as a JSON string literal with its quotes. */
  static String jsonToken(int seed, int index) {
    return JSON_TOKENS[slot(seed, index)];
  }

  /** Tokens {@code from} (inclusive) to {@code to} (exclusive), concatenated. */
  static String text(int seed, int from, int to) {
    StringBuilder text = new StringBuilder(Math.max(0, to - from) * 8);
    for (int i = from; i < to; i++) {
      text.append(token(seed, i));
    }
    return text.toString();
  }

  /** The usual rough estimate: a token per four characters of message text, at least one. */
  static int promptTokens(JsonArray messages) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, messageChars(messages, messages.size()) / 4));
  }


  private static long messageChars(JsonArray messages, int count) {
    long chars = 0;
    for (int i = 0; i < count; i++) {
      if (messages.getValue(i) instanceof JsonObject message) {
        chars += contentText(message.getValue("content")).length();
      }
    }
    return chars;
  }

  /** The text of a message's content: a string, or the text parts of a content-part array. */
  static String contentText(Object content) {
    if (content instanceof String text) {
      return text;
    }
    if (content instanceof JsonArray parts) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        if (parts.getValue(i) instanceof JsonObject part && part.getValue("text") instanceof String s) {
          text.append(s);
        }
      }
      return text.toString();
    }
    return "";
  }

  private static int slot(int seed, int index) {
    return (int) Math.floorMod((long) seed + (long) index * STRIDE, (long) WORDS.length);
  }
}
