package dev.meridian.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Deterministic embedding vectors: the same model and input always give the same unit vector, different
 * inputs give (nearly) orthogonal ones, so a client's cache, dedup or similarity code behaves as it
 * would on a real provider. A prefix of a longer vector is not reused for a shorter one: providers that
 * shorten vectors renormalise them, and so does this.
 */
final class EmbeddingVectors {
  private EmbeddingVectors() {}

  /** The unit vector of {@code input} (text, or token ids as JSON) for {@code model}. */
  static float[] of(String model, String input, int dimensions) {
    SplittableRandom random = new SplittableRandom(seed(model + '\u0000' + input));
    float[] vector = new float[dimensions];
    double sumOfSquares = 0;
    for (int i = 0; i < dimensions; i++) {
      // Gaussian components make the direction uniform on the sphere.
      double value = gaussian(random);
      vector[i] = (float) value;
      sumOfSquares += value * value;
    }
    float norm = (float) Math.sqrt(sumOfSquares);
    for (int i = 0; i < dimensions; i++) {
      vector[i] /= norm;
    }
    return vector;
  }

  /** The {@code embedding} value as a provider sends it: a float array, or base64 of little-endian float32. */
  static Object encode(float[] vector, boolean base64) {
    if (base64) {
      ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (float value : vector) {
        bytes.putFloat(value);
      }
      return Base64.getEncoder().encodeToString(bytes.array());
    }
    JsonArray array = new JsonArray();
    for (float value : vector) {
      array.add(value);
    }
    return array;
  }

  /** The answer to an embeddings request whose inputs are {@code inputs} (each a string, or token ids). */
  static JsonObject answer(String upstreamModel, JsonArray inputs, int dimensions, boolean base64, long promptTokens) {
    JsonArray data = new JsonArray();
    for (int i = 0; i < inputs.size(); i++) {
      Object input = inputs.getValue(i);
      String text = input instanceof String s ? s : String.valueOf(input);
      data.add(new JsonObject()
          .put("object", "embedding")
          .put("index", i)
          .put("embedding", encode(of(upstreamModel, text, dimensions), base64)));
    }
    return new JsonObject()
        .put("object", "list")
        .put("data", data)
        .put("model", upstreamModel)
        .put("usage", new JsonObject().put("prompt_tokens", promptTokens).put("total_tokens", promptTokens));
  }

  private static long seed(String text) {
    // FNV-1a over the UTF-8 bytes: stable across JVMs, unlike String.hashCode's 32 bits spread.
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
