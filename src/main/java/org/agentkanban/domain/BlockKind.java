package org.agentkanban.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Why a task is blocked. {@code null} means a generic block. A {@link #DEPENDENCY} block sends the
 * task back to {@code todo} (it waits on parents) and is never counted as a recurrence.
 */
public enum BlockKind {
  DEPENDENCY,
  NEEDS_INPUT,
  CAPABILITY,
  TRANSIENT;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BlockKind parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    for (BlockKind k : values()) {
      if (k.wire().equals(text.trim().toLowerCase(Locale.ROOT).replace('-', '_'))) {
        return k;
      }
    }
    throw KanbanException.invalid(
        "unknown block kind '"
            + text
            + "'; expected one of: "
            + Arrays.stream(values()).map(BlockKind::wire).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return wire();
  }
}
