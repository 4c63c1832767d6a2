package org.agentkanban.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Parses a point in time given by a person: {@code +30m} / {@code in 2h} (relative),
 * {@code 2026-12-01T09:00} (local), {@code 2026-12-01T09:00:00Z} or with an offset, a date
 * ({@code 2026-12-01}, local midnight), or epoch milliseconds.
 */
public final class TimeSpec {
  private TimeSpec() {}

  public static long parse(String text, long nowMs, ZoneId zone) {
    if (text == null || text.isBlank()) {
      throw KanbanException.invalid("a time is required, e.g. +30m, 2026-12-01T09:00 or 2026-12-01");
    }
    String t = text.trim();
    if (t.startsWith("+")) {
      return nowMs + Durations.parseMillis("time", t.substring(1));
    }
    if (t.startsWith("in ")) {
      return nowMs + Durations.parseMillis("time", t.substring(3).trim());
    }
    if (t.matches("\\d{12,}")) {
      return Long.parseLong(t);
    }
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try the next form
    }
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(t).atZone(zone).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try the next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay(zone).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw KanbanException.invalid(
          "bad time '" + text + "'; use +30m, in 2h, 2026-12-01T09:00, 2026-12-01T09:00:00Z, 2026-12-01 or epoch ms");
    }
  }
}
