package org.agentkanban.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.gateway.Backups;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.store.FileBackups;
import org.agentkanban.store.sqlite.SqliteOptions;
import org.agentkanban.store.sqlite.SqliteStoreFactory;
import org.sqlite.SQLiteConfig;

/**
 * {@code kanban bench crash --only backup}: how long a verified online backup of a big board takes
 * and how big it is (issue 4's figure: a board of 100,000 tasks; {@code --quick}: 2,000). The board
 * is bulk-loaded like the store benchmark's; the backup is the gateway's ({@code VACUUM INTO} and
 * {@code integrity_check} of the copy); the verification is then timed alone on a connection of
 * its own, and the copy must hold every task.
 */
final class BackupDrill implements CrashDrill {
  static final int QUICK_TASKS = 2_000;

  @Override
  public String name() {
    return "backup";
  }

  @Override
  public void run(BenchOptions options, ResultTable table, PrintStream progress) throws Exception {
    int tasks = options.quick() ? QUICK_TASKS : options.tasks();
    Path work = Files.createTempDirectory(options.dir(), "kanban-backup-drill-");
    try {
      Boards boards = new Boards(new KanbanHome(work), new SqliteStoreFactory(Clock.SYSTEM, SqliteOptions.defaults()),
          Clock.SYSTEM, ServiceSettings.defaults());
      try (LocalBoardService board = boards.create("big", null, null, false, BoardListener.NONE)) {
        progress.printf(Locale.ROOT, "backup drill: loading %,d tasks%n", tasks);
        StoreBenchmark.bulkLoad(board, tasks);
        FileBackups files = (FileBackups) board.store();
        files.checkpointPassive();
        long dbBytes = Files.size(files.databaseFile());
        long walBytes = files.walBytes();
        long started = System.nanoTime();
        FileBackups.Backup b = Backups.take(files, boards.target("big"), boards.recovery().orElseThrow(), 12,
            Clock.SYSTEM.now());
        double backupSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        String verdict = integrityCheck(b.file());
        double verifySeconds = (System.nanoTime() - started) / 1e9;
        long copied = count(b.file());

        table.info(String.format(Locale.ROOT, "backup: board of %,d tasks, database size (MB)", tasks), mb(dbBytes + walBytes));
        table.info("backup: size of the copy (MB)", mb(b.bytes()));
        table.info("backup: time, VACUUM INTO + integrity_check (s)", String.format(Locale.ROOT, "%.2f", backupSeconds));
        table.info("backup: integrity_check of the copy alone (s)", String.format(Locale.ROOT, "%.2f", verifySeconds));
        table.add("backup: copy verified and holds every task", verdict + ", " + copied + " tasks", "", "",
            "ok, " + tasks + " tasks", "ok".equals(verdict) && copied == tasks ? "PASS" : "FAIL");
      }
    } finally {
      deleteTree(work);
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }

  /** The backup is a finished file no process writes: read it with a read-only connection of its own. */
  private static String integrityCheck(Path file) throws SQLException {
    try (Connection c = readOnly(file); var rs = c.createStatement().executeQuery("PRAGMA integrity_check(1)")) {
      return rs.next() ? rs.getString(1) : "no answer";
    }
  }

  private static long count(Path file) throws SQLException {
    try (Connection c = readOnly(file); var rs = c.createStatement().executeQuery("SELECT count(*) FROM tasks")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  private static Connection readOnly(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
