package dev.meridian.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which base URLs would carry a provider key in cleartext to another machine. */
class CleartextUpstreamTest {
  @Test
  void loopbackHostsInEveryAcceptedSpelling() {
    for (String host : new String[] {
        "localhost", "LocalHost", "127.0.0.1", "127.255.255.254", "127.1.2.3", "[::1]", "[0:0:0:0:0:0:0:1]",
        "[0000:0000:0000:0000:0000:0000:0000:0001]", "[::ffff:127.0.0.1]"}) {
      assertThat(CleartextUpstream.isLoopbackHost(host)).as(host).isTrue();
    }
  }

  @Test
  void hostsThatOnlyLookLoopbackAreNot() {
    for (String host : new String[] {
        "127.example.com", "127.0.0.1.example.com", "localhost.example.com", "mylocalhost", "128.0.0.1",
        "10.0.0.1", "0.0.0.0", "127.1", "127.0.0", "127.0.0.1.5", "0127.0.0.1", "127.0.0.256", "[::2]", "[::]",
        "[fe80::1]", "[127.0.0.1]", "", "::1"}) {
      assertThat(CleartextUpstream.isLoopbackHost(host)).as(host).isFalse();
    }
    assertThat(CleartextUpstream.isLoopbackHost(null)).isFalse();
  }

  @Test
  void onlyHttpsOrLoopbackKeepsAKeyOffTheWire() {
    assertThat(CleartextUpstream.exposesKey("https://api.example.com/v1")).isFalse();
    assertThat(CleartextUpstream.exposesKey("HTTPS://api.example.com/v1")).isFalse();
    assertThat(CleartextUpstream.exposesKey("https://10.0.0.5:8443/v1")).isFalse();
    assertThat(CleartextUpstream.exposesKey("http://127.0.0.1:8090/us-east/qwen/v1")).isFalse();
    assertThat(CleartextUpstream.exposesKey("http://localhost/v1")).isFalse();
    assertThat(CleartextUpstream.exposesKey("http://[::1]:8090/v1")).isFalse();
    assertThat(CleartextUpstream.exposesKey("HTTP://127.0.0.1/v1")).isFalse();

    assertThat(CleartextUpstream.exposesKey("http://api.example.com/v1")).isTrue();
    assertThat(CleartextUpstream.exposesKey("http://127.example.com/v1")).isTrue();
    assertThat(CleartextUpstream.exposesKey("http://10.1.2.3:8090/v1")).isTrue();
    assertThat(CleartextUpstream.exposesKey("http://[2001:db8::1]/v1")).isTrue();
    // User info does not make a host loopback: the host after '@' is the one connected to.
    assertThat(CleartextUpstream.exposesKey("http://127.0.0.1@evil.example.com/v1")).isTrue();
    assertThat(CleartextUpstream.exposesKey("not a url")).isTrue();
  }

  @Test
  void onlyProvidersWithAKeyAreReportedByProviderAndRegion() {
    Map<String, String> cleartext = new LinkedHashMap<>();
    cleartext.put("us-east", "http://127.0.0.1:8090/us-east/keyed/v1");
    cleartext.put("eu-west", "http://user:secret-password@10.0.0.7:8090/eu-west/keyed/v1");
    cleartext.put("ap-southeast", "https://ap.keyed.example.com/v1");
    Catalog catalog = catalog(
        new Provider("keyed", null, "KEYED_KEY", cleartext),
        new Provider("keyless", null, "UNSET_KEY", Map.of("us-east", "http://10.0.0.8:8090/v1", "eu-west", "http://10.0.0.8/v1",
            "ap-southeast", "http://10.0.0.8/v1")),
        new Provider("nokeyvar", null, null, Map.of("us-east", "http://10.0.0.9/v1", "eu-west", "http://10.0.0.9/v1",
            "ap-southeast", "http://10.0.0.9/v1")));
    ApiKeys keys = ApiKeys.of(Map.of("KEYED_KEY", "sk-live-0123456789"));

    List<CleartextUpstream> found = keys.cleartextUpstreams(catalog);
    assertThat(found).containsExactly(new CleartextUpstream("keyed", "eu-west", cleartext.get("eu-west")));
    String refusal = CleartextUpstream.refusal(found);
    assertThat(refusal).contains("provider 'keyed' in region 'eu-west'").contains("http://10.0.0.7:8090/eu-west/keyed/v1")
        .contains("--allow-cleartext-upstreams")
        .doesNotContain("sk-live-0123456789").doesNotContain("secret-password").doesNotContain("KEYED_KEY=");

    // The same catalog without any key set: nothing to protect.
    assertThat(ApiKeys.of(Map.of()).cleartextUpstreams(catalog)).isEmpty();
    // All https (or loopback): nothing reported.
    assertThat(keys.cleartextUpstreams(catalog.withBaseUrls((p, r) -> "https://" + r + "." + p.id() + ".example.com/v1")))
        .isEmpty();
  }

  @Test
  void aMessagesApiInCleartextIsReportedToo() {
    Map<String, String> https = Map.of("us-east", "https://us.keyed.example.com/v1", "eu-west", "https://eu.keyed.example.com/v1",
        "ap-southeast", "https://ap.keyed.example.com/v1");
    Catalog catalog = catalog(new Provider("keyed", null, "KEYED_KEY", https,
        Map.of("eu-west", "http://eu.keyed.example.com/anthropic", "us-east", "https://us.keyed.example.com/anthropic")));
    assertThat(ApiKeys.of(Map.of("KEYED_KEY", "sk-live-0123456789")).cleartextUpstreams(catalog))
        .containsExactly(new CleartextUpstream("keyed", "eu-west", "http://eu.keyed.example.com/anthropic"));
  }

  @Test
  void theDefaultCatalogPointsAtTheLocalSimulatorSoItsKeysStayLocal() {
    Catalog defaults = CatalogLoader.loadDefault();
    ApiKeys everyKeySet = new ApiKeys(name -> "sk-test-" + name);
    assertThat(everyKeySet.cleartextUpstreams(defaults)).isEmpty();
    assertThat(everyKeySet.cleartextUpstreams(defaults.withBaseUrls((p, r) -> "http://10.0.0.1:8090/" + r + "/v1")))
        // Each provider's chat base URL in each region, and its Messages API where it has one.
        .hasSize((defaults.providers().size() + (int) defaults.providers().stream().filter(p -> !p.anthropicBaseUrls().isEmpty()).count()) * 3);
  }

  private static Catalog catalog(Provider... providers) {
    List<Region> regions = List.of(new Region("us-east", null), new Region("eu-west", null), new Region("ap-southeast", null));
    ModelSpec served = new ModelSpec("m", null, providers[0].id(), "f", Tier.BUDGET, java.util.Set.of(), 131_072, 1, 1,
        List.of("us-east"), 100, 50);
    return new Catalog("test", regions, List.of(providers), List.of(served));
  }
}
