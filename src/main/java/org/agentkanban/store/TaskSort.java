package org.agentkanban.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.agentkanban.domain.KanbanException;

/** List orders. {@link #PRIORITY} (highest first, then oldest) is the dispatch order. */
public enum TaskSort {
  PRIORITY,
  PRIORITY_ASC,
  CREATED,
  CREATED_DESC,
  UPDATED,
  UPDATED_DESC,
  STATUS,
  ASSIGNEE,
  TITLE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static TaskSort parse(String text) {
    for (TaskSort s : values()) {
      if (s.wire().equals(text)) {
        return s;
      }
    }
    throw KanbanException.invalid(
        "unknown sort '" + text + "'; expected one of: "
            + Arrays.stream(values()).map(TaskSort::wire).collect(Collectors.joining(", ")));
  }
}
