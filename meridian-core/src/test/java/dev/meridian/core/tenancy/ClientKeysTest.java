package dev.meridian.core.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import org.junit.jupiter.api.Test;

class ClientKeysTest {
  private static final Catalog CATALOG = CatalogLoader.loadDefault();
  private static final String SECRET = "sk-mer-test-key-0123456789";

  private static String file(String entry) {
    return "{\"keys\":[" + entry + "]}";
  }

  @Test
  void findsAKeyByItsSecretAndNeverByItsHash() {
    String hash = KeyHash.sha256Hex(SECRET);
    ClientKeys keys =
        ClientKeys.parse(file("{\"name\":\"search\",\"sha256\":\"" + hash + "\",\"requestsPerMinute\":60,"
            + "\"tokensPerMinute\":1000,\"budget\":{\"dollars\":2.5,\"per\":\"month\"},\"maxTokens\":512,"
            + "\"maxConcurrentRequests\":8}"), "t");

    ClientKey key = keys.find(SECRET);
    assertThat(key.name()).isEqualTo("search");
    assertThat(key.requestsPerMinute()).isEqualTo(60);
    assertThat(key.tokensPerMinute()).isEqualTo(1000);
    assertThat(key.budgetDollars()).isEqualTo(2.5);
    assertThat(key.budgetPeriod()).isEqualTo(BudgetPeriod.MONTH);
    assertThat(key.maxOutputTokens()).isEqualTo(512);
    assertThat(key.maxConcurrentRequests()).isEqualTo(8);
    assertThat(ClientKeys.parse(file("{\"name\":\"n\",\"sha256\":\"" + hash + "\"}"), "t").find(SECRET)
        .maxConcurrentRequests()).as("absent: no limit").isZero();
    // Knowing the stored hash must not let anyone in.
    assertThat(keys.find(hash)).isNull();
    assertThat(keys.find(SECRET + "x")).isNull();
    assertThat(keys.find(null)).isNull();
    assertThat(keys.find("short")).isNull();
  }

  @Test
  void refusesPlainTextKeysAndSaysHowToHashThem() {
    assertThatThrownBy(() -> ClientKeys.parse(file("{\"name\":\"a\",\"key\":\"" + SECRET + "\"}"), "keys.json"))
        .hasMessageContaining("keys.json: keys[0]: keys are stored as hashes only")
        .hasMessageContaining("bin/meridian keys hash")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  @Test
  void namesTheEntryAndFieldThatIsWrong() {
    String hash = KeyHash.sha256Hex(SECRET);
    assertThatThrownBy(() -> ClientKeys.parse("{\"keys\":[]}", "f")).hasMessageContaining("at least one");
    assertThatThrownBy(() -> ClientKeys.parse(file("{\"name\":\"a\",\"sha256\":\"abc\"}"), "f"))
        .hasMessageContaining("keys[0]").hasMessageContaining("sha256");
    assertThatThrownBy(() -> ClientKeys.parse(file("{\"name\":\"a\",\"sha256\":\"" + hash + "\",\"requestsPerMinute\":-1}"), "f"))
        .hasMessageContaining("requestsPerMinute");
    for (String bad : new String[] {"-1", "1.5", "\"4\"", "true"}) {
      assertThatThrownBy(() -> ClientKeys.parse(file("{\"name\":\"a\",\"sha256\":\"" + hash + "\",\"maxConcurrentRequests\":" + bad + "}"), "f"))
          .as(bad).hasMessageContaining("keys[0] ('a'): 'maxConcurrentRequests' must be a whole number >= 0");
    }
    assertThatThrownBy(() -> ClientKeys.parse(file("{\"name\":\"a\",\"sha256\":\"" + hash + "\",\"rpm\":5}"), "f"))
        .hasMessageContaining("unknown field 'rpm'");
    assertThatThrownBy(() -> ClientKeys.parse(file("{\"name\":\"a\",\"sha256\":\"" + hash + "\",\"budget\":{\"dollars\":1,\"per\":\"week\"}}"), "f"))
        .hasMessageContaining("day' or 'month");
    assertThatThrownBy(() -> ClientKeys.parse(file("{\"name\":\"a\",\"sha256\":\"" + hash + "\",\"allow\":[\"auto\"]}"), "f"))
        .hasMessageContaining("'auto' needs models or tiers");
    String twice = "{\"name\":\"a\",\"sha256\":\"" + hash + "\"},{\"name\":\"b\",\"sha256\":\"" + hash + "\"}";
    assertThatThrownBy(() -> ClientKeys.parse(file(twice), "f")).hasMessageContaining("listed twice");
    assertThatThrownBy(() -> ClientKeys.parse("not json", "f")).hasMessage("f: not valid JSON");
  }

  @Test
  void adminKeysAreSeparateFromClientKeys() {
    String admin = "sk-mer-admin-key-0123456789";
    ClientKeys keys =
        ClientKeys.parse("{\"keys\":[{\"name\":\"a\",\"sha256\":\"" + KeyHash.sha256Hex(SECRET) + "\"}],"
            + "\"adminKeys\":[{\"name\":\"prometheus\",\"sha256\":\"" + KeyHash.sha256Hex(admin) + "\"}]}", "f");
    assertThat(keys.findAdmin(admin)).isEqualTo("prometheus");
    assertThat(keys.find(admin)).isNull();
    assertThat(keys.findAdmin(SECRET)).isNull();
    assertThat(keys.hasAdminKeys()).isTrue();
  }

  @Test
  void allowListsModelsTiersAndAuto() {
    ClientKey key = new ClientKey("k", KeyHash.sha256Hex(SECRET), java.util.Set.of("budget", "kimi-k2.5", "auto"),
        0, 0, 0, BudgetPeriod.DAY, 0, 0);
    // By tier.
    assertThat(key.mayRequest("deepseek-v4-flash", CATALOG)).isTrue();
    assertThat(key.mayRequest("budget", CATALOG)).isTrue();
    // By id, in a tier that is not listed.
    assertThat(key.mayRequest("kimi-k2.5", CATALOG)).isTrue();
    assertThat(key.maySpendOn(CATALOG.model("kimi-k2.5"))).isTrue();
    assertThat(key.mayRequest("auto", CATALOG)).isTrue();
    // Neither.
    assertThat(key.mayRequest("glm-5", CATALOG)).isFalse();
    assertThat(key.mayRequest("premium", CATALOG)).isFalse();
    assertThat(key.maySpendOn(CATALOG.model("qwen3-8b"))).isFalse();

    ClientKey any = new ClientKey("any", KeyHash.sha256Hex(SECRET), java.util.Set.of("*"), 0, 0, 0, null, 0, 0);
    assertThat(any.mayRequest("glm-5", CATALOG)).isTrue();
    assertThat(any.mayRequest("premium", CATALOG)).isTrue();
  }

  @Test
  void generatedKeysAreLongRandomAndPrefixed() {
    String a = KeyHash.newKey();
    String b = KeyHash.newKey();
    assertThat(a).startsWith(KeyHash.KEY_PREFIX).hasSizeGreaterThan(40).isNotEqualTo(b);
    assertThat(KeyHash.isSha256Hex(KeyHash.sha256Hex(a))).isTrue();
  }
}
