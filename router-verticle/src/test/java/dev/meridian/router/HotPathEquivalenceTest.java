package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.cost.CostCalculator;
import dev.meridian.core.openai.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The request path's shortcuts give exactly what the general code they replace gave: the cost header's
 * number against {@code String.format("%.8f")}, the usage read from an answer against parsing the
 * whole answer.
 */
class HotPathEquivalenceTest {

  @Test
  void costFormatMatchesTheFormatter() {
    List<Double> values = new ArrayList<>(List.of(
        0.0, 1.0, 0.5, 0.125, 1.005, 0.000000005, 0.0000000049999, 0.000000015, 0.999999995, 9.999999995,
        99999.999999995, 0.00000001, 1e-9, 1e-12, 1e7, 1.0E7 + 0.123456785, 123456789.987654321, 1e21, 1e300,
        Double.MIN_VALUE, Double.MAX_VALUE, 0.1, 0.2, 0.3, 1.23456785e-5, 2.5e-8, 3.5e-8, 4.4999999e-7));
    Random random = new Random(17);
    for (int i = 0; i < 100_000; i++) {
      values.add(random.nextDouble() * Math.pow(10, random.nextInt(16) - 10));
      // Values on a rounding boundary at the eighth place, from both sides.
      long units = random.nextInt(1_000_000_000);
      values.add((units + 0.5) / 1e8);
      values.add(Math.nextUp((units + 0.5) / 1e8));
      values.add(Math.nextDown((units + 0.5) / 1e8));
    }
    for (ModelSpec model : CatalogLoader.loadDefault().models()) {
      for (int i = 0; i < 2_000; i++) {
        values.add(CostCalculator.dollars(model, random.nextInt(200_000), random.nextInt(20_000)));
      }
    }
    for (double value : values) {
      assertThat(FixedDecimal.eightPlaces(value))
          .as("%s", value)
          .isEqualTo(String.format(Locale.ROOT, "%.8f", value));
    }
    for (double odd : new double[] {-0.0, -1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThat(FixedDecimal.eightPlaces(odd)).isEqualTo(String.format(Locale.ROOT, "%.8f", odd));
    }
  }

  @Test
  void usageScanMatchesAFullParse() {
    String choices = "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"the \\\"usage\\\": {} is \\u00e9 here\"}}]";
    List<String> bodies = List.of(
        "{\"id\":\"x\"," + choices + ",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46}}",
        "{\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"details\":{\"cached\":[1,2,{\"a\":null}]}}," + choices + "}",
        "{\"usage\":{\"prompt_tokens\":1.9,\"completion_tokens\":-4}}",
        "{\"usage\":{\"prompt_tokens\":99999999999999999999999,\"completion_tokens\":3}}",
        "{\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":3}}",
        "{\"usage\":{\"prompt_tokens\":null,\"completion_tokens\":3}}",
        "{\"usage\":{\"prompt_tokens\":12}}",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"prompt_tokens\":7}}",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2},\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6}}",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2},\"usage\":null}",
        "{\"usage\":null,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2},\"usage\":[1]}",
        "{\"usage\":[{\"prompt_tokens\":1,\"completion_tokens\":2}]}",
        "{\"usage\":\"none\"}",
        "{\"usage\":null}",
        "{" + choices + "}",
        "{}",
        "{\"nested\":{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}}",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}} trailing",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}{}",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}   \n",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2},}",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}",
        "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}, \"bad\": tru}",
        "/* c */ {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}",
        "[{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}]",
        "null",
        "42",
        "\"text\"",
        "",
        "   ",
        "not json at all",
        "{\"error\":{\"message\":\"overloaded\"}}");
    for (String body : bodies) {
      assertThat(UsageScan.of(Buffer.buffer(body))).as(body).isEqualTo(fullParse(Buffer.buffer(body)));
    }
  }

  /** What the router did before: parse it all, take the usage, a failure of any kind is null. */
  private static Usage fullParse(Buffer body) {
    try {
      return Usage.fromJson(new JsonObject(body).getJsonObject("usage"));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
