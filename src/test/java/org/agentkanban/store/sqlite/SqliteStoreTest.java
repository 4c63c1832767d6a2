package org.agentkanban.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.store.BoardStore;
import org.agentkanban.store.BoardStoreContract;
import org.agentkanban.store.ReadTx;
import org.agentkanban.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite store against the {@link BoardStoreContract}. Only the wiring lives here; what is
 * special about SQLite (journal mode, locks, files) is in {@link SqliteStoreFilesTest}.
 */
class SqliteStoreTest extends BoardStoreContract {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();

  private Path db() {
    return dir.resolve("board.db");
  }

  @Override
  protected BoardStore newStore() {
    // Two readers so that a read and the contract's concurrent reads never wait for each other.
    return SqliteStore.open(db(), SqliteOptions.defaults().withReaders(2).creating(), clock);
  }

  @Override
  protected BoardStore sameBoardAgain() {
    return SqliteStore.open(db(), SqliteOptions.defaults(), clock);
  }

  @Test
  void aBoardReopenedAfterCloseStillHoldsItsCommittedData() {
    insert(task("t_kept").status(Status.DONE).build());
    store.close();

    try (BoardStore reopened = sameBoardAgain()) {
      assertThat(reopened.read((ReadTx tx) -> tx.taskGet("t_kept"))).map(Task::status).contains(Status.DONE);
      assertThat(reopened.location()).isEqualTo(db().toAbsolutePath().normalize().toString());
    }
  }
}
