package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Alias patterns: glob matching, which pattern wins, and the patterns refused. */
class ModelAliasesTest {
  private static ModelAliases.Alias to(String pattern, String target) {
    return new ModelAliases.Alias(pattern, target, List.of());
  }

  private static final ModelAliases ALIASES = new ModelAliases(List.of(
      to("claude-*haiku*", "budget"),
      to("claude-*sonnet*", "mid-range"),
      to("claude-3-5-sonnet*", "premium"),
      to("gpt-4o", "auto"),
      to("*-mini", "budget")));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "none", value = {
      "claude-haiku-4-5-20251001, claude-*haiku*",
      "claude-3-5-haiku-latest, claude-*haiku*",
      "CLAUDE-HAIKU-4-5, claude-*haiku*",
      "claude-sonnet-4-5-20250929, claude-*sonnet*",
      // The longer literal wins over the earlier, broader pattern.
      "claude-3-5-sonnet-20241022, claude-3-5-sonnet*",
      "gpt-4o, gpt-4o",
      // Without a '*' a pattern is one exact name.
      "gpt-4o-2024-08-06, none",
      "o4-mini, *-mini",
      "o4-mini-high, none",
      "claude-opus-4-1, none",
      "haiku, none",
      // A pattern names itself, as /v1/models lists it and allow lists name it.
      "claude-*sonnet*, claude-*sonnet*",
  })
  void aNameResolvesToTheMostSpecificMatchingPattern(String name, String pattern) {
    ModelAliases.Alias alias = ALIASES.resolve(name);
    assertThat(alias == null ? null : alias.pattern()).isEqualTo(pattern);
  }

  @Test
  void aClientsOverlongNameMatchesNothingRatherThanCostingABacktrackingMatch() {
    String name = "claude-" + "x".repeat(ModelAliases.MAX_NAME_LENGTH) + "haiku";
    assertThat(ALIASES.resolve(name)).isNull();
    assertThat(ALIASES.resolve("claude-" + "x".repeat(200) + "haiku")).isNotNull();
  }

  @Test
  void patternsThatMatchEverythingOrRepeatOrHaveNoRouteAreRefused() {
    assertThatThrownBy(() -> to("**", "budget")).hasMessageContaining("matches every name");
    assertThatThrownBy(() -> new ModelAliases(List.of(to("claude-*", "budget"), to("CLAUDE-*", "auto"))))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> new ModelAliases.Alias("claude-*", null, List.of()))
        .hasMessageContaining("exactly one of a target or steps");
    assertThatThrownBy(() -> new ModelAliases.Alias("claude-*", "auto", List.of(ChainStep.of(List.of("m")))))
        .hasMessageContaining("exactly one of a target or steps");
  }
}
