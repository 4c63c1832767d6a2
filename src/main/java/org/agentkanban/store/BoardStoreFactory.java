package org.agentkanban.store;

/** Opens board stores; the composition root picks the implementation. */
public interface BoardStoreFactory {

  /**
   * Opens an existing board, or creates it when {@code create} is set.
   *
   * @throws org.agentkanban.domain.KanbanException NOT_FOUND if it does not exist and create is
   *     off; UNAVAILABLE if it cannot be opened safely
   */
  BoardStore open(StoreTarget target, boolean create);

  /** Whether the board's database exists, without opening it (a {@code stat}, never a read). */
  boolean exists(StoreTarget target);

  /** File-level recovery, for stores kept in local files. */
  default java.util.Optional<BoardRecovery> recovery() {
    return java.util.Optional.empty();
  }
}
