package dev.meridian.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Log probabilities for simulated tokens, in OpenAI's shape: each {@code logprobs.content[]} entry has
 * the token, its log probability, its UTF-8 {@code bytes} and {@code top_logprobs} (the k likeliest
 * tokens at that position, the sampled one first, in falling order). Deterministic from the seed and
 * position; every logprob is negative and the alternatives are less likely than the sampled token.
 */
final class LogprobsGenerator {
  private static final String[] ALTERNATIVES = {
    " the", " a", " of", " and", ",", ".", " to", " in", " is", " that", " it", " for", " on", " as",
    " with", " was", " be", " by", " this", " are"
  };

  private LogprobsGenerator() {}

  /** The entry of the token at {@code position}, with {@code top} alternatives (0..20). */
  static JsonObject entry(String token, int seed, int position, int top) {
    double logprob = -(0.0005 + unit(seed, position) * 0.4);
    JsonArray alternatives = new JsonArray();
    double next = logprob;
    for (int k = 0; k < top; k++) {
      if (k == 0) {
        alternatives.add(item(token, logprob));
        continue;
      }
      next -= 0.5 + unit(seed + k, position) * 1.5;
      String other = ALTERNATIVES[Math.floorMod(seed + position * 7 + k, ALTERNATIVES.length)];
      alternatives.add(item(other.equals(token) ? other + " " : other, next));
    }
    return item(token, logprob).put("top_logprobs", alternatives);
  }

  /** The {@code logprobs} object of a choice or chunk from its entries. */
  static JsonObject of(JsonArray entries) {
    return new JsonObject().put("content", entries).put("refusal", null);
  }

  private static JsonObject item(String token, double logprob) {
    JsonArray bytes = new JsonArray();
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xFF);
    }
    return new JsonObject().put("token", token).put("logprob", Math.round(logprob * 1e6) / 1e6).put("bytes", bytes);
  }

  /** A deterministic number in [0, 1). */
  private static double unit(int seed, int position) {
    long h = (seed * 0x9E3779B97F4A7C15L) ^ (position * 0xC2B2AE3D27D4EB4FL);
    h ^= h >>> 31;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    return (h >>> 11) * 0x1.0p-53;
  }
}
