package dev.meridian.core.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class KeyHashTest {
  // FIPS 180-2's published answers.
  private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void hashesMatchThePublishedSha256Answers() {
    assertEquals(ABC, KeyHash.sha256Hex("abc"));
    assertEquals(EMPTY, KeyHash.sha256Hex(""));
  }

  @Test
  void aReusedDigestStartsAfreshForEveryKey() {
    // The digest is kept per thread: a hash must not carry any of the previous key's state.
    for (int i = 0; i < 3; i++) {
      assertEquals(ABC, KeyHash.sha256Hex("abc"));
      assertEquals(EMPTY, KeyHash.sha256Hex(""));
    }
  }

  @Test
  void threadsHashingAtOnceGetTheSameAnswers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> hashes = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        String key = i % 2 == 0 ? "abc" : "";
        hashes.add(pool.submit(() -> KeyHash.sha256Hex(key)));
      }
      for (int i = 0; i < hashes.size(); i++) {
        assertEquals(i % 2 == 0 ? ABC : EMPTY, hashes.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
