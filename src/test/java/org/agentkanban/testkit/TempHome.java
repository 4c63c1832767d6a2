package org.agentkanban.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.store.sqlite.SqliteOptions;
import org.agentkanban.store.sqlite.SqliteStoreFactory;

/**
 * A fresh {@code $KANBAN_HOME} in a temporary directory with the real SQLite store. Pass a JUnit
 * {@code @TempDir} as the root.
 */
public final class TempHome {
  public final Path root;
  public final ManualClock clock;
  public final Boards boards;

  public TempHome(Path root) {
    this(root, new ManualClock(), ServiceSettings.defaults(), true);
  }

  public TempHome(Path root, ManualClock clock, ServiceSettings settings, boolean synchronousFull) {
    this.root = root;
    this.clock = clock;
    this.boards = boards(root, clock, settings, synchronousFull);
  }

  public static Boards boards(Path root, Clock clock, ServiceSettings settings, boolean synchronousFull) {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Boards(new KanbanHome(root), new SqliteStoreFactory(clock,
        SqliteOptions.defaults().withSynchronousFull(synchronousFull)), clock, settings);
  }

  /** The default board's service (created on first use). Close it when done. */
  public LocalBoardService board() {
    return boards.open("default", BoardListener.NONE);
  }

  public LocalBoardService board(String slug) {
    return boards.create(slug, null, null, false, BoardListener.NONE);
  }

  public Path dbFile(String slug) {
    return root.resolve("boards").resolve(slug).resolve("board.db");
  }
}
