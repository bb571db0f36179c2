package dev.meridian.core.translate.completions;

import static dev.meridian.core.translate.WireFields.invalid;
import static dev.meridian.core.translate.WireFields.missing;
import static dev.meridian.core.translate.WireFields.object;
import static dev.meridian.core.translate.WireFields.optionalBoolean;
import static dev.meridian.core.translate.WireFields.optionalInt;
import static dev.meridian.core.translate.WireFields.optionalNumber;
import static dev.meridian.core.translate.WireFields.optionalString;
import static dev.meridian.core.translate.WireFields.requiredString;

import dev.meridian.core.openai.ChatRequest;
import dev.meridian.core.openai.ChatRequestParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A legacy completions request ({@code POST /v1/completions}) as a chat-completions request: the prompt
 * becomes one user message (the seed providers serve chat models only, so a prompt is answered, not
 * continued), {@code logprobs: N} becomes {@code top_logprobs: N}, and {@code max_tokens} keeps the
 * legacy API's default of 16. Refused: several prompts in one request, token arrays (Meridian cannot
 * decode a provider's tokenizer), {@code suffix}, and a {@code best_of} larger than {@code n}.
 */
public final class CompletionsRequestMapper {
  /** The legacy API's output budget when the request sets none. */
  public static final int DEFAULT_MAX_TOKENS = 16;

  private CompletionsRequestMapper() {}

  /** @throws dev.meridian.core.openai.OpenAiException 400 naming the field that cannot be mapped */
  public static ChatRequest map(JsonObject wire) {
    String model = requiredString(wire, "model", "model");
    String prompt = prompt(wire.getValue("prompt"));
    if (wire.getValue("suffix") instanceof String suffix && !suffix.isEmpty()) {
      throw invalid("suffix", "insertion (suffix) is not supported: the providers behind Meridian serve chat models.");
    } else if (wire.getValue("suffix") != null && !(wire.getValue("suffix") instanceof String)) {
      throw invalid("suffix", "must be a string.");
    }
    JsonObject chat = new JsonObject()
        .put("model", model)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
    Integer maxTokens = optionalInt(wire, "max_tokens", "max_tokens", 1, ChatRequestParser.MAX_OUTPUT_TOKENS);
    chat.put("max_tokens", maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens);
    Integer n = optionalInt(wire, "n", "n", 1, 128);
    Integer bestOf = optionalInt(wire, "best_of", "best_of", 1, 20);
    if (bestOf != null && bestOf > (n == null ? 1 : n)) {
      throw invalid("best_of", "best_of larger than n is not supported: the providers behind Meridian return every"
          + " completion they generate and rank none; ask for n completions instead.");
    }
    putIfPresent(chat, "n", n);
    if (optionalBoolean(wire, "stream", "stream")) {
      chat.put("stream", true);
      if (wire.getValue("stream_options") != null) {
        chat.put("stream_options", object(wire.getValue("stream_options"), "stream_options").copy());
      }
    }
    putIfPresent(chat, "temperature", optionalNumber(wire, "temperature", 0, 2));
    putIfPresent(chat, "top_p", optionalNumber(wire, "top_p", 0, 1));
    putIfPresent(chat, "presence_penalty", optionalNumber(wire, "presence_penalty", -2, 2));
    putIfPresent(chat, "frequency_penalty", optionalNumber(wire, "frequency_penalty", -2, 2));
    Object seed = wire.getValue("seed");
    if (seed != null) {
      if (!(seed instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
        throw invalid("seed", "must be an integer.");
      }
      chat.put("seed", seed);
    }
    putIfPresent(chat, "user", optionalString(wire, "user", "user"));
    putIfPresent(chat, "stop", stop(wire.getValue("stop")));
    if (wire.getValue("logit_bias") != null) {
      chat.put("logit_bias", object(wire.getValue("logit_bias"), "logit_bias").copy());
    }
    Integer logprobs = optionalInt(wire, "logprobs", "logprobs", 0, 5);
    if (logprobs != null) {
      chat.put("logprobs", true).put("top_logprobs", logprobs);
    }
    optionalBoolean(wire, "echo", "echo");
    return ChatRequestParser.validate(chat);
  }

  /** The one prompt: a string, or an array holding one string. */
  public static String prompt(Object prompt) {
    if (prompt == null) {
      throw missing("prompt");
    }
    if (prompt instanceof String text) {
      return text;
    }
    if (prompt instanceof JsonArray list) {
      if (list.size() == 1 && list.getValue(0) instanceof String text) {
        return text;
      }
      if (!list.isEmpty() && !(list.getValue(0) instanceof String)) {
        throw invalid("prompt", "token arrays are not supported: Meridian cannot decode a provider's tokens; send text.");
      }
      throw invalid("prompt", "one prompt per request here (a string, or an array of one string).");
    }
    throw invalid("prompt", "must be a string.");
  }

  private static Object stop(Object stop) {
    if (stop == null || stop instanceof String) {
      return stop;
    }
    if (stop instanceof JsonArray list && list.size() <= 4) {
      for (int i = 0; i < list.size(); i++) {
        if (!(list.getValue(i) instanceof String)) {
          throw invalid("stop[" + i + "]", "must be a string.");
        }
      }
      return list.copy();
    }
    throw invalid("stop", "must be a string or an array of at most 4 strings.");
  }

  private static void putIfPresent(JsonObject json, String field, Object value) {
    if (value != null) {
      json.put(field, value);
    }
  }
}
