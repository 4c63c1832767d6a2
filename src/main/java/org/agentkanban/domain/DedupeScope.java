package org.agentkanban.domain;

import java.util.Locale;

/**
 * How long an idempotency key keeps deduplicating creates. {@link #OPEN} (the default) only while
 * the task is open, so a recurring job can be created again once the previous one is done;
 * {@link #LIFETIME} forever.
 */
public enum DedupeScope {
  OPEN,
  LIFETIME;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DedupeScope parse(String text) {
    if (text == null) {
      return OPEN;
    }
    for (DedupeScope s : values()) {
      if (s.wire().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw KanbanException.invalid("unknown dedupe scope '" + text + "'; expected open or lifetime");
  }
}
