package org.agentkanban.store;

import java.util.function.Function;

/**
 * The persistence seam. One {@link #write} call is one transaction (for SQLite a
 * {@code BEGIN IMMEDIATE} on the board's single writer connection) and carries the state change
 * and its event together; one {@link #read} call is one consistent snapshot. The rules live in the
 * domain and the service; a store only knows how to load and save rows, so SQLite and PostgreSQL
 * implement the same small set of primitives and pass the same conformance suite.
 *
 * <p>Errors leave a store as {@link org.agentkanban.domain.KanbanException}s: lost
 * compare-and-swap as {@code CONFLICT}, a locked or damaged database as {@code UNAVAILABLE}.
 */
public interface BoardStore extends AutoCloseable {

  <T> T read(Function<ReadTx, T> work);

  /**
   * Runs {@code work} in one write transaction. If it throws, nothing it wrote is kept. Work must
   * not perform side effects outside the database (killing processes, deleting files): those
   * belong after the commit.
   */
  <T> T write(Function<WriteTx, T> work);

  /** Where the board lives, for messages (a path or a redacted URL). */
  String location();

  @Override
  void close();
}
