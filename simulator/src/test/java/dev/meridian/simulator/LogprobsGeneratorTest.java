package dev.meridian.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogprobsGeneratorTest {

  @ParameterizedTest(name = "{0} with {1} alternatives")
  @CsvSource({"'lorem ',0", "'ipsum ',1", "'dolor ',5", "'é ',20", "' the',20"})
  void entriesHaveTheSampledTokenFirstAndFallingProbabilities(String token, int top) {
    for (int position = 0; position < 40; position++) {
      JsonObject entry = LogprobsGenerator.entry(token, 99, position, top);
      assertThat(entry.getString("token")).isEqualTo(token);
      assertThat(bytes(entry.getJsonArray("bytes"))).isEqualTo(token);
      double logprob = entry.getDouble("logprob");
      assertThat(logprob).isNegative();
      JsonArray alternatives = entry.getJsonArray("top_logprobs");
      assertThat(alternatives).hasSize(top);
      double previous = 0;
      for (int k = 0; k < top; k++) {
        JsonObject alternative = alternatives.getJsonObject(k);
        assertThat(alternative.getDouble("logprob")).isNegative().isLessThanOrEqualTo(previous);
        assertThat(bytes(alternative.getJsonArray("bytes"))).isEqualTo(alternative.getString("token"));
        previous = alternative.getDouble("logprob");
      }
      if (top > 0) {
        assertThat(alternatives.getJsonObject(0).getString("token")).isEqualTo(token);
        assertThat(alternatives.getJsonObject(0).getDouble("logprob")).isEqualTo(logprob);
        assertThat(alternatives.stream().map(a -> ((JsonObject) a).getString("token")).distinct()).hasSize(top);
      }
    }
  }

  private static String bytes(JsonArray bytes) {
    byte[] raw = new byte[bytes.size()];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) bytes.getInteger(i).intValue();
    }
    return new String(raw, StandardCharsets.UTF_8);
  }
}
