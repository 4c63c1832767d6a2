package org.agentkanban.domain;

import java.util.Objects;

/**
 * Counts repeated blocks. The same kind of block twice in a row (the stored kind survives an
 * unblock and is cleared only by completion) means the task loops between a worker and a human:
 * it goes to triage for a person to rethink it instead of bouncing forever.
 */
public final class BlockRouting {
  /** Reference value: the second consecutive block of one kind is a loop. */
  public static final int RECURRENCE_LIMIT = 2;

  private BlockRouting() {}

  public record Route(BlockKind kind, int recurrences, boolean loop) {}

  public static Route route(BlockKind storedKind, int storedRecurrences, BlockKind incoming) {
    if (incoming == BlockKind.DEPENDENCY) {
      // Waiting on a parent is not a loop between people: nothing is counted.
      return new Route(storedKind, storedRecurrences, false);
    }
    int recurrences = Objects.equals(storedKind, incoming) ? storedRecurrences + 1 : 1;
    return new Route(incoming, recurrences, recurrences >= RECURRENCE_LIMIT);
  }
}
