package org.agentkanban.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.store.BoardStore;
import org.agentkanban.store.BoardStoreFactory;
import org.agentkanban.store.StoreTarget;

/** Boards as {@code <board dir>/board.db}. */
public final class SqliteStoreFactory implements BoardStoreFactory {
  private final SqliteRecovery recovery = new SqliteRecovery();

  /** Recovery of boards whose stores are closed: backups, quarantine, restore. */
  @Override
  public java.util.Optional<org.agentkanban.store.BoardRecovery> recovery() {
    return java.util.Optional.of(recovery);
  }

  public static final String DB_FILE = "board.db";

  private final Clock clock;
  private final SqliteOptions baseOptions;

  public SqliteStoreFactory(Clock clock, SqliteOptions baseOptions) {
    this.clock = clock;
    this.baseOptions = baseOptions;
  }

  public static Path dbPath(StoreTarget target) {
    return target.directory().resolve(DB_FILE);
  }

  @Override
  public BoardStore open(StoreTarget target, boolean create) {
    if (target.databaseUrl() != null) {
      throw KanbanException.invalid("board '" + target.slug() + "' uses " + redact(target.databaseUrl())
          + ", which this build cannot open (only SQLite boards are supported)");
    }
    SqliteOptions o = target.synchronousFull() == null ? baseOptions : baseOptions.withSynchronousFull(target.synchronousFull());
    return SqliteStore.open(dbPath(target), create ? o.creating() : o, clock);
  }

  @Override
  public boolean exists(StoreTarget target) {
    return target.databaseUrl() != null || Files.exists(dbPath(target));
  }

  private static String redact(String url) {
    return url.replaceAll("//[^@/]*@", "//***@");
  }
}
