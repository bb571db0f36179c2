package dev.meridian.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.openai.OpenAiError;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which surface may name which model: one row per (name, surface kind). */
class ModelKindTest {
  private static Catalog catalog;

  @BeforeAll
  static void load() {
    catalog = CatalogLoader.loadDefault();
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        // requested, the surface's kind, refused?
        Arguments.of("deepseek-v4-flash", ModelKind.CHAT, false),
        Arguments.of("budget", ModelKind.CHAT, false),
        Arguments.of("auto", ModelKind.CHAT, false),
        Arguments.of("text-embedding-v4", ModelKind.EMBEDDING, false),
        Arguments.of("no-such-model", ModelKind.EMBEDDING, false), // routing's 404, not a kind question
        Arguments.of("no-such-model", ModelKind.CHAT, false),
        Arguments.of("text-embedding-v4", ModelKind.CHAT, true),
        Arguments.of("deepseek-v4-flash", ModelKind.EMBEDDING, true),
        Arguments.of("budget", ModelKind.EMBEDDING, true),
        Arguments.of("Budget", ModelKind.EMBEDDING, true),
        Arguments.of("AUTO", ModelKind.EMBEDDING, true));
  }

  @ParameterizedTest(name = "[{index}] {0} on a {1} surface")
  @MethodSource("rows")
  void aModelOfAnotherKindIsA400NamingModel(String requested, ModelKind surface, boolean refused) {
    OpenAiError error = ModelKind.mismatch(catalog, requested, surface);
    if (!refused) {
      assertThat(error).isNull();
      return;
    }
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.param()).isEqualTo("model");
    assertThat(error.code()).isEqualTo("model_kind_mismatch");
    assertThat(error.message()).contains(requested);
  }
}
