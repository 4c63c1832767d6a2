package org.agentkanban.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints human durations: {@code 500ms}, {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

  private Durations() {}

  /** Milliseconds; a bare number means seconds, as in the reference CLI. */
  public static long parseMillis(String field, String text) {
    if (text == null) {
      throw KanbanException.invalid(field + ": a duration is required, e.g. 90s, 30m, 2h");
    }
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw KanbanException.invalid(
          field + ": bad duration '" + text + "'; use a number with ms, s, m, h or d, e.g. 90s, 30m, 2h");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    long ms =
        switch (unit) {
          case "ms" -> n;
          case "s" -> n * 1_000L;
          case "m" -> n * 60_000L;
          case "h" -> n * 3_600_000L;
          default -> n * 86_400_000L;
        };
    if (ms <= 0) {
      throw KanbanException.invalid(field + ": duration must be greater than zero");
    }
    return ms;
  }

  public static String format(long ms) {
    if (ms % 86_400_000L == 0) return ms / 86_400_000L + "d";
    if (ms % 3_600_000L == 0) return ms / 3_600_000L + "h";
    if (ms % 60_000L == 0) return ms / 60_000L + "m";
    if (ms % 1_000L == 0) return ms / 1_000L + "s";
    return ms + "ms";
  }

  /** "just now", "5m ago", "3h ago", "2d ago": ages shown to people and to workers. */
  public static String ago(long thenMs, long nowMs) {
    long d = nowMs - thenMs;
    if (d < 60_000L) return "just now";
    if (d < 3_600_000L) return d / 60_000L + "m ago";
    if (d < 86_400_000L) return d / 3_600_000L + "h ago";
    return d / 86_400_000L + "d ago";
  }
}
