package dev.meridian.simulator;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** The leaves of {@link JsonSchemaSampler}: integers, numbers and strings within a schema's bounds and format. */
final class JsonSchemaScalars {
  private JsonSchemaScalars() {}

  static long integer(JsonObject s, int salt) {
    double low = lowerBound(s, true);
    double high = upperBound(s, true);
    long lo = Double.isInfinite(low) ? Long.MIN_VALUE / 4 : (long) Math.ceil(low);
    long hi = Double.isInfinite(high) ? Long.MAX_VALUE / 4 : (long) Math.floor(high);
    long value;
    if (!Double.isInfinite(low) && !Double.isInfinite(high)) {
      value = lo + Math.floorMod((long) salt, Math.max(1, Math.min(hi - lo + 1, 1_000_000)));
    } else if (!Double.isInfinite(low)) {
      value = lo + Math.floorMod(salt, 10);
    } else if (!Double.isInfinite(high)) {
      value = Math.min(hi, Math.floorMod(salt, 100));
    } else {
      value = Math.floorMod(salt, 100);
    }
    long step = s.getValue("multipleOf") instanceof Number m && m.doubleValue() >= 1 ? m.longValue() : 1;
    if (step > 1) {
      value = Math.floorDiv(value + step - 1, step) * step;
      if (value > hi) {
        value -= step;
      }
    }
    if (value < lo || value > hi) {
      throw new JsonSchemaSampler.NoInstanceException("no integer within the bounds");
    }
    return value;
  }

  static double number(JsonObject s, int salt) {
    double low = lowerBound(s, false);
    double high = upperBound(s, false);
    double fraction = Math.floorMod(salt, 1000) / 1000.0;
    double value;
    if (!Double.isInfinite(low) && !Double.isInfinite(high)) {
      value = low + (high - low) * (0.25 + 0.5 * fraction); // strictly inside: exclusive bounds hold
    } else if (!Double.isInfinite(low)) {
      value = low + 1.5 + fraction * 10;
    } else if (!Double.isInfinite(high)) {
      value = high - 1.5 - fraction * 10;
    } else {
      value = fraction * 100;
    }
    double rounded = Math.round(value * 100) / 100.0;
    return rounded > low && rounded < high ? rounded : value;
  }

  /** Inclusive lower bound for integers (exclusive ones moved by one), the raw bound for numbers. */
  private static double lowerBound(JsonObject s, boolean integral) {
    double bound = s.getValue("minimum") instanceof Number n ? n.doubleValue() : Double.NEGATIVE_INFINITY;
    Object exclusive = s.getValue("exclusiveMinimum");
    if (exclusive instanceof Number n) {
      bound = Math.max(bound, integral ? Math.floor(n.doubleValue()) + 1 : n.doubleValue());
    } else if (Boolean.TRUE.equals(exclusive) && integral) {
      bound = Math.floor(bound) + 1; // draft 4: a flag on minimum
    }
    return bound;
  }

  private static double upperBound(JsonObject s, boolean integral) {
    double bound = s.getValue("maximum") instanceof Number n ? n.doubleValue() : Double.POSITIVE_INFINITY;
    Object exclusive = s.getValue("exclusiveMaximum");
    if (exclusive instanceof Number n) {
      bound = Math.min(bound, integral ? Math.ceil(n.doubleValue()) - 1 : n.doubleValue());
    } else if (Boolean.TRUE.equals(exclusive) && integral) {
      bound = Math.ceil(bound) - 1;
    }
    return bound;
  }

  static String string(JsonObject s, int salt) {
    String format = s.getString("format", "");
    switch (format) {
      case "date-time":
        return "2026-05-" + two(1 + Math.floorMod(salt, 28)) + "T12:00:00Z";
      case "date":
        return "2026-05-" + two(1 + Math.floorMod(salt, 28));
      case "time":
        return "12:" + two(Math.floorMod(salt, 60)) + ":00";
      case "email":
        return words(salt, 1) + "@example.com";
      case "uri":
      case "url":
        return "https://example.com/" + words(salt, 1);
      case "uuid":
        return new UUID(0x5100_0000_0000_4000L | (salt & 0xFFFL), 0x8000_0000_0000_0000L | (salt & 0xFFFFFFFFL))
            .toString();
      case "ipv4":
        return "192.0.2." + (1 + Math.floorMod(salt, 254));
      case "hostname":
        return words(salt, 1) + ".example.com";
      default:
        break;
    }
    int min = s.getInteger("minLength", 0);
    int max = s.getInteger("maxLength", Integer.MAX_VALUE);
    StringBuilder text = new StringBuilder(words(salt, 2));
    for (int i = 2; text.length() < min; i++) {
      text.append(' ').append(words(mix(salt, i), 1));
    }
    return text.length() > max ? text.substring(0, max) : text.toString();
  }

  static String words(int salt, int count) {
    return TextGenerator.text(salt, 0, count).trim();
  }

  private static String two(int n) {
    return n < 10 ? "0" + n : Integer.toString(n);
  }

  private static int mix(int salt, int i) {
    return 31 * salt + i * 0x9E3779B1 + 17;
  }
}
