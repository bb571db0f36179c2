package dev.meridian.core.tenancy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/** The calendar period a dollar budget covers, in UTC so every region agrees on when it resets. */
public enum BudgetPeriod {
  DAY,
  MONTH;

  /** A number that names the period containing {@code nowMs}: the epoch day, or months since 1970. */
  public long periodId(long nowMs) {
    LocalDate date = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate();
    return this == DAY ? date.toEpochDay() : (date.getYear() - 1970L) * 12 + date.getMonthValue() - 1;
  }

  /** When the period containing {@code nowMs} ends (the next one starts), in epoch milliseconds. */
  public long endMs(long nowMs) {
    LocalDate date = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate next = this == DAY ? date.plusDays(1) : date.withDayOfMonth(1).plusMonths(1);
    return next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException for anything but day or month */
  public static BudgetPeriod fromId(String id) {
    return switch (id == null ? "" : id.trim().toLowerCase(Locale.ROOT)) {
      case "day", "daily" -> DAY;
      case "month", "monthly" -> MONTH;
      default -> throw new IllegalArgumentException("budget period must be 'day' or 'month', got '" + id + "'");
    };
  }
}
