package dev.meridian.core.openai;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A validated {@code POST /v1/embeddings} request. The body passes to the provider as the client sent
 * it (but for the model name); what is checked here is what every OpenAI-compatible provider refuses,
 * so a client learns it from Meridian in the OpenAI error shape instead of from each fallback in turn.
 *
 * @param inputs how many vectors the request asks for
 * @param estimatedTokens the input's size in tokens (token arrays counted, text estimated)
 */
public record EmbeddingsRequest(String model, int inputs, long estimatedTokens, JsonObject body) {
  /** OpenAI's limit on inputs per request. */
  public static final int MAX_INPUTS = 2048;

  /** The request in {@code body}, or a 400 naming the parameter that is wrong. */
  public static EmbeddingsRequest parse(String body) {
    return validate(ChatRequestParser.parseObject(body));
  }

  public static EmbeddingsRequest validate(JsonObject json) {
    if (!(json.getValue("model") instanceof String model) || model.isBlank()) {
      throw invalid("missing_model", "'model' must be a non-empty string naming an embedding model.", "model");
    }
    Object input = json.getValue("input");
    int inputs;
    long tokens;
    if (input instanceof String text) {
      requireText(text, "input");
      inputs = 1;
      tokens = Usage.estimateTokens(text.length());
    } else if (input instanceof JsonArray array && !array.isEmpty()) {
      if (array.size() > MAX_INPUTS) {
        throw invalid("too_many_inputs", "'input' has " + array.size() + " entries; at most " + MAX_INPUTS + ".", "input");
      }
      long[] counted = countArray(array);
      inputs = (int) counted[0];
      tokens = counted[1];
    } else {
      throw invalid(
          "invalid_input",
          "'input' must be a non-empty string, an array of strings, an array of token ids or an array of token-id arrays.",
          "input");
    }
    Object format = json.getValue("encoding_format");
    if (format != null && !"float".equals(format) && !"base64".equals(format)) {
      throw invalid("invalid_encoding_format", "'encoding_format' must be \"float\" or \"base64\".", "encoding_format");
    }
    Object dimensions = json.getValue("dimensions");
    if (dimensions != null && !(dimensions instanceof Integer d && d > 0)) {
      throw invalid("invalid_dimensions", "'dimensions' must be a positive integer.", "dimensions");
    }
    if (json.getValue("user") != null && !(json.getValue("user") instanceof String)) {
      throw invalid("invalid_user", "'user' must be a string.", "user");
    }
    return new EmbeddingsRequest(model, inputs, tokens, json);
  }

  /** [inputs, tokens] of an array input: all strings, all token ids (one input), or all token-id arrays. */
  private static long[] countArray(JsonArray array) {
    Object first = array.getValue(0);
    if (first instanceof String) {
      long characters = 0;
      for (int i = 0; i < array.size(); i++) {
        if (!(array.getValue(i) instanceof String text)) {
          throw mixed();
        }
        requireText(text, "input[" + i + "]");
        characters += text.length();
      }
      return new long[] {array.size(), Usage.estimateTokens(characters)};
    }
    if (first instanceof Number) {
      requireTokenIds(array, "input");
      return new long[] {1, array.size()};
    }
    if (first instanceof JsonArray) {
      long tokens = 0;
      for (int i = 0; i < array.size(); i++) {
        if (!(array.getValue(i) instanceof JsonArray ids) || ids.isEmpty()) {
          throw mixed();
        }
        requireTokenIds(ids, "input[" + i + "]");
        tokens += ids.size();
      }
      return new long[] {array.size(), tokens};
    }
    throw mixed();
  }

  private static void requireText(String text, String where) {
    if (text.isEmpty()) {
      throw invalid("invalid_input", "'" + where + "' is an empty string; there is nothing to embed.", "input");
    }
  }

  private static void requireTokenIds(JsonArray ids, String where) {
    for (int i = 0; i < ids.size(); i++) {
      Object id = ids.getValue(i);
      if (!(id instanceof Integer || id instanceof Long) || ((Number) id).longValue() < 0) {
        throw invalid("invalid_input", "'" + where + "[" + i + "]' is not a token id (a non-negative integer).", "input");
      }
    }
  }

  private static OpenAiException mixed() {
    return invalid(
        "invalid_input", "'input' mixes kinds: give all strings, all token ids, or all token-id arrays.", "input");
  }

  private static OpenAiException invalid(String code, String message, String param) {
    return OpenAiError.invalidRequest(code, message, param).asException();
  }
}
