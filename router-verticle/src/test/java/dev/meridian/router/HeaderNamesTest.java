package dev.meridian.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

class HeaderNamesTest {
  @Test
  void aNameIsMadeOnceAndKeepsItsText() {
    CharSequence first = HeaderNames.of("x-meridian-test-header");
    assertEquals("x-meridian-test-header", first.toString());
    assertSame(first, HeaderNames.of("x-meridian-test-header"));
    assertEquals(AsciiString.class, first.getClass());
  }
}
