package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.openai.OpenAiException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeadlinesTest {
  private static final Deadlines CONFIGURED = new Deadlines(60_000, 10_000, 5_000);
  private static final List<String> HEADERS =
      List.of(Deadlines.REQUEST_HEADER, Deadlines.FIRST_TOKEN_HEADER, Deadlines.IDLE_HEADER);

  private static Deadlines from(Map<String, String> headers) {
    return Deadlines.fromHeaders(headers::get, CONFIGURED);
  }

  @Test
  void headerNamesAreTheDocumentedOnes() {
    assertThat(Deadlines.REQUEST_HEADER).isEqualTo("x-meridian-timeout-ms");
    assertThat(Deadlines.FIRST_TOKEN_HEADER).isEqualTo("x-meridian-first-token-timeout-ms");
    assertThat(Deadlines.IDLE_HEADER).isEqualTo("x-meridian-idle-timeout-ms");
  }

  @Test
  void absentHeadersGiveTheConfiguredValues() {
    assertThat(from(Map.of())).isEqualTo(CONFIGURED);
    assertThat(from(Map.of("x-other", "1"))).isEqualTo(CONFIGURED);
  }

  @Test
  void eachHeaderShortensItsOwnDeadline() {
    assertThat(from(Map.of(Deadlines.REQUEST_HEADER, "2500")))
        .isEqualTo(new Deadlines(2_500, 10_000, 5_000));
    assertThat(from(Map.of(Deadlines.FIRST_TOKEN_HEADER, "800")))
        .isEqualTo(new Deadlines(60_000, 800, 5_000));
    assertThat(from(Map.of(Deadlines.IDLE_HEADER, "1")))
        .isEqualTo(new Deadlines(60_000, 10_000, 1));
  }

  @Test
  void allThreeTogether() {
    assertThat(
            from(Map.of(
                Deadlines.REQUEST_HEADER, "30000",
                Deadlines.FIRST_TOKEN_HEADER, "2000",
                Deadlines.IDLE_HEADER, "1500")))
        .isEqualTo(new Deadlines(30_000, 2_000, 1_500));
  }

  @Test
  void aHeaderNeverLengthensADeadline() {
    assertThat(
            from(Map.of(
                Deadlines.REQUEST_HEADER, "600000",
                Deadlines.FIRST_TOKEN_HEADER, "10001",
                Deadlines.IDLE_HEADER, String.valueOf(Long.MAX_VALUE))))
        .isEqualTo(CONFIGURED);
  }

  @Test
  void aHeaderEqualToTheConfiguredValueKeepsIt() {
    assertThat(from(Map.of(Deadlines.FIRST_TOKEN_HEADER, "10000"))).isEqualTo(CONFIGURED);
  }

  @Test
  void surroundingWhitespaceIsTolerated() {
    assertThat(from(Map.of(Deadlines.REQUEST_HEADER, " 1200 ")).requestMs()).isEqualTo(1_200);
  }

  @Test
  void onlyTheNamedHeadersAreRead() {
    Map<String, Integer> reads = new HashMap<>();
    Deadlines.fromHeaders(
        name -> {
          reads.merge(name, 1, Integer::sum);
          return null;
        },
        CONFIGURED);
    assertThat(reads).containsOnlyKeys(HEADERS.toArray(String[]::new));
    assertThat(reads.values()).containsOnly(1);
  }

  static Stream<Arguments> invalidValues() {
    List<String> values =
        List.of("abc", "0", "-1", "-5000", "", " ", "1.5", "12ms", "1e3", "0x10", "99999999999999999999");
    return HEADERS.stream().flatMap(h -> values.stream().map(v -> Arguments.of(h, v)));
  }

  @ParameterizedTest(name = "{0}: \"{1}\"")
  @MethodSource("invalidValues")
  void aValueThatIsNotAPositiveWholeNumberIs400(String header, String value) {
    OpenAiException e = catchThrowableOfType(OpenAiException.class, () -> from(Map.of(header, value)));

    assertThat(e).as("expected an OpenAiException").isNotNull();
    OpenAiError error = e.error();
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.type()).isEqualTo(OpenAiError.INVALID_REQUEST);
    assertThat(error.code()).isEqualTo("invalid_header");
    assertThat(error.param()).isEqualTo(header);
    assertThat(error.message()).contains(header);
    assertThat(e.retryAfterSeconds()).isEqualTo(-1);
  }

  @Test
  void anInvalidHeaderIsReportedEvenWhenTheOthersAreFine() {
    OpenAiException e =
        catchThrowableOfType(
            OpenAiException.class,
            () -> from(Map.of(Deadlines.REQUEST_HEADER, "1000", Deadlines.IDLE_HEADER, "soon")));
    assertThat(e.error().param()).isEqualTo(Deadlines.IDLE_HEADER);
  }
}
