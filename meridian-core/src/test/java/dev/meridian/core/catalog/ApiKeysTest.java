package dev.meridian.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  private static Provider provider(String env) {
    return new Provider("p", null, env, Map.of("r", "http://x/v1"));
  }

  @Test
  void resolvesTheVariableTheProviderNames() {
    ApiKeys keys = ApiKeys.of(Map.of("P_KEY", "sk-123", "BLANK", "  "));
    assertThat(keys.keyFor(provider("P_KEY"))).isEqualTo("sk-123");
    assertThat(keys.keyFor(provider("BLANK"))).as("blank means unset").isNull();
    assertThat(keys.keyFor(provider("UNSET"))).isNull();
    assertThat(keys.keyFor(provider(null))).as("provider without a key variable").isNull();
  }

  @Test
  void ofCopiesTheMap() {
    java.util.HashMap<String, String> source = new java.util.HashMap<>(Map.of("K", "v1"));
    ApiKeys keys = ApiKeys.of(source);
    source.put("K", "v2");
    assertThat(keys.keyFor(provider("K"))).isEqualTo("v1");
  }

  @Test
  void providerDefaultsItsNameToItsId() {
    assertThat(provider("K").name()).isEqualTo("p");
    assertThat(new Region("r", null).displayName()).isEqualTo("r");
  }
}
