package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.core.tenancy.ClientKeys;
import dev.meridian.core.tenancy.KeyHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeysCommandTest {
  @Test
  void newPrintsAKeyOnceAndAnEntryHoldingOnlyItsHash() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = KeysCommand.run(List.of("new", "--name", "search"), stdin(""), new PrintStream(out), System.err);
    assertThat(code).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    String key = text.lines().filter(l -> l.startsWith("key ")).findFirst().orElseThrow().replaceAll(".*: ", "");
    String entry = text.substring(text.indexOf('{'));
    assertThat(entry).doesNotContain(key).contains(KeyHash.sha256Hex(key)).contains("\"search\"");
    // The printed entry is a valid keys file as is, and the key opens it.
    ClientKeys keys = ClientKeys.parse("{\"keys\":[" + entry + "]}", "printed");
    assertThat(keys.find(key).name()).isEqualTo("search");
  }

  @Test
  void hashReadsTheKeyFromStdin() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = KeysCommand.run(List.of("hash"), stdin("sk-meridian-demo-key\n"), new PrintStream(out), System.err);
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo(KeyHash.sha256Hex("sk-meridian-demo-key"));
    assertThat(KeysCommand.run(List.of("hash"), stdin("short\n"), new PrintStream(out), new PrintStream(new ByteArrayOutputStream())))
        .isEqualTo(2);
  }

  @Test
  void aRouterWithoutKeysRefusesToStartUnlessExplicitlyOpen() {
    assertThatThrownBy(() -> ClientAccess.resolve(MeridianConfig.parse(new String[] {"router"}, Map.of())))
        .hasMessageContaining("refusing to start a router without client keys")
        .hasMessageContaining("--keys-file").hasMessageContaining("--auth open");
    assertThat(ClientAccess.resolve(MeridianConfig.parse(new String[] {"router", "--auth", "open"}, Map.of())).isOpen()).isTrue();
    assertThat(ClientAccess.resolve(MeridianConfig.parse(new String[] {"router"}, Map.of("MERIDIAN_AUTH", "open"))).isOpen()).isTrue();
    assertThatThrownBy(() -> ClientAccess.resolve(
            MeridianConfig.parse(new String[] {"router", "--auth", "open", "--keys-file", "k.json"}, Map.of())))
        .hasMessageContaining("contradict");
    assertThatThrownBy(() -> MeridianConfig.parse(new String[] {"--auth", "none"}, Map.of())).hasMessageContaining("--auth");
    // The embedded default takes the demo keys, and they match what the README documents.
    var embedded = ClientAccess.resolve(MeridianConfig.parse(new String[0], Map.of()));
    assertThat(embedded.keys().find(ClientAccess.DEMO_KEY).name()).isEqualTo("demo");
    assertThat(embedded.keys().find(ClientAccess.DEMO_LIMITED_KEY).requestsPerMinute()).isEqualTo(10);
  }

  private static ByteArrayInputStream stdin(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
