package org.agentkanban.domain;

import java.util.regex.Pattern;

/** Board names on disk: lower-case, no dots or slashes, so a slug can never escape the boards directory. */
public final class BoardSlug {
  public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  public static final String DEFAULT = "default";

  private BoardSlug() {}

  public static String require(String raw) {
    if (raw == null || !PATTERN.matcher(raw).matches()) {
      throw KanbanException.invalid(
          "bad board name '"
              + (raw == null ? "" : raw.replaceAll("\\p{Cntrl}", "?"))
              + "': use 1-64 characters a-z, 0-9, '_' or '-', starting with a letter or digit");
    }
    return raw;
  }
}
