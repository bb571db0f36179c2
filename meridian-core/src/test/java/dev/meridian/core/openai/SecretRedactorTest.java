package dev.meridian.core.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretRedactorTest {
  static final String KEY = "sk-live-7f3Kq9ZrT2mW8xYb4NcV1pLd6HsJ0gEa";
  static final String OTHER = "tok_5uR8wQ2eZ7yX1cV9bN3mK6jH4gF0dS";
  final SecretRedactor redactor = new SecretRedactor(List.of(KEY, OTHER, "short"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      whole key                  | Incorrect API key provided: sk-live-7f3Kq9ZrT2mW8xYb4NcV1pLd6HsJ0gEa. | Incorrect API key provided: [REDACTED].
      its first 8                | key sk-live-… is wrong                                                | key [REDACTED]… is wrong
      its last 8                 | key ending 6HsJ0gEa                                                   | key ending [REDACTED]
      a masked echo              | sk-live-7f3K****************0gEa                                      | [REDACTED]****************0gEa
      a middle fragment          | the key contains ZrT2mW8xYb4N somewhere                               | the key contains [REDACTED] somewhere
      8 characters of the middle | x=2mW8xYb4;                                                           | x=[REDACTED];
      7 are not recognised       | x=2mW8xYb;                                                            | x=2mW8xYb;
      two keys back to back      | sk-live-7f3Kq9ZrT2mW8xYb4NcV1pLd6HsJ0gEatok_5uR8wQ2eZ7yX1cV9bN3mK6jH4gF0dS | [REDACTED][REDACTED]
      the other key's middle     | ...wQ2eZ7yX1c...                                                      | ...[REDACTED]...
      a key shorter than 8       | short is not a secret                                                 | short is not a secret
      nothing                    | Rate limit reached for requests                                       | Rate limit reached for requests
      """)
  void masksEveryRunOfEightOrMoreCharactersOfAKey(String name, String text, String expected) {
    assertThat(redactor.redact(text)).isEqualTo(expected);
    assertThat(redactor.mayContainSecret(text)).isEqualTo(!expected.equals(text));
  }

  @Test
  void textWithoutKeyMaterialIsReturnedAsItIs() {
    String text = "a perfectly ordinary answer about recursion, 200 words long";
    assertThat(redactor.redact(text)).isSameAs(text);
    assertThat(SecretRedactor.none().redact(text)).isSameAs(text);
    assertThat(redactor.redact(null)).isNull();
  }

  /** Random text with pieces of keys planted anywhere: afterwards no 8 characters of a key remain. */
  @Test
  void noEightCharactersOfAKeySurviveWhereverTheyArePlanted() {
    Random random = new Random(22);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ .,:\"{}";
    for (int round = 0; round < 5_000; round++) {
      StringBuilder text = new StringBuilder();
      int pieces = random.nextInt(5);
      for (int p = 0; p <= pieces; p++) {
        for (int n = random.nextInt(30); n > 0; n--) {
          text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        if (p < pieces) {
          String key = random.nextBoolean() ? KEY : OTHER;
          int from = random.nextInt(key.length() - 8);
          text.append(key, from, from + 8 + random.nextInt(key.length() - from - 7));
        }
      }
      String redacted = redactor.redact(text.toString());
      for (String key : List.of(KEY, OTHER)) {
        for (int i = 0; i + 8 <= key.length(); i++) {
          assertThat(redacted).as("round %d: %s", round, text).doesNotContain(key.substring(i, i + 8));
        }
      }
      assertThat(redactor.mayContainSecret(text.toString())).isEqualTo(pieces > 0);
    }
  }
}
