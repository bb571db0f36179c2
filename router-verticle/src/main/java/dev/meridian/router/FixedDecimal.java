package dev.meridian.router;

import java.util.Locale;

/**
 * {@code String.format(Locale.ROOT, "%.8f", value)} without a {@link java.util.Formatter}: the cost
 * header is written on every response, and the formatter (format-string parsing with a regex, a
 * builder, a formatter object) cost more than the rest of the header work together.
 *
 * <p>Same digits as the formatter, by the same method: the shortest decimal digits of the double (what
 * {@link Double#toString(double)} prints), rounded half-up at the eighth decimal place, padded with
 * zeros. Negative, infinite and NaN values, which a cost never is, go to the formatter itself.
 */
final class FixedDecimal {
  private static final int PLACES = 8;

  private FixedDecimal() {}

  static String eightPlaces(double value) {
    if (!(value >= 0) || Double.isInfinite(value) || (value == 0 && 1 / value < 0)) {
      return String.format(Locale.ROOT, "%.8f", value);
    }
    String shortest = Double.toString(value);
    // Digits d1 d2 ... dn and exponent e with value = 0.d1d2...dn x 10^e, d1 != 0 (or the digit 0).
    char[] digits = new char[shortest.length()];
    int count = 0;
    int exponent = 0;
    int exponentMark = shortest.indexOf('E');
    int end = exponentMark < 0 ? shortest.length() : exponentMark;
    boolean beforePoint = true;
    for (int i = 0; i < end; i++) {
      char c = shortest.charAt(i);
      if (c == '.') {
        beforePoint = false;
        continue;
      }
      if (count == 0 && c == '0') {
        // A leading zero: after the point it shifts the exponent down.
        if (!beforePoint) {
          exponent--;
        }
        continue;
      }
      digits[count++] = c;
      if (beforePoint) {
        exponent++;
      }
    }
    if (exponentMark >= 0) {
      exponent += Integer.parseInt(shortest, exponentMark + 1, shortest.length(), 10);
    }
    if (count == 0) {
      return "0.00000000";
    }
    exponent = round(digits, count, exponent, exponent + PLACES);
    StringBuilder out = new StringBuilder(exponent > 0 ? exponent + PLACES + 1 : PLACES + 2);
    if (exponent <= 0) {
      out.append('0');
    } else {
      for (int i = 0; i < exponent; i++) {
        out.append(i < count ? digits[i] : '0');
      }
    }
    out.append('.');
    for (int place = 0; place < PLACES; place++) {
      int index = exponent + place;
      out.append(index >= 0 && index < count ? digits[index] : '0');
    }
    return out.toString();
  }

  /**
   * Rounds half-up to {@code keep} leading digits in place (zeros after), as the JDK's formatter
   * does; returns the exponent, one higher when a carry ran out of digits (9.99... to 10.0).
   */
  private static int round(char[] digits, int count, int exponent, int keep) {
    if (keep >= count || keep < 0) {
      return exponent;
    }
    if (keep == 0) {
      boolean up = digits[0] >= '5';
      digits[0] = up ? '1' : '0';
      java.util.Arrays.fill(digits, 1, count, '0');
      return up ? exponent + 1 : exponent;
    }
    if (digits[keep] >= '5') {
      int i = keep - 1;
      while (i >= 0 && digits[i] == '9') {
        i--;
      }
      if (i < 0) {
        digits[0] = '1';
        java.util.Arrays.fill(digits, 1, count, '0');
        return exponent + 1;
      }
      digits[i]++;
      java.util.Arrays.fill(digits, i + 1, count, '0');
    } else {
      java.util.Arrays.fill(digits, keep, count, '0');
    }
    return exponent;
  }
}
