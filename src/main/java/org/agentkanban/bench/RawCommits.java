package org.agentkanban.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The baseline: the fastest way to commit one small row with plain JDBC on a fresh WAL database in
 * the same directory as the boards. Each transaction is an explicit {@code BEGIN IMMEDIATE}, one
 * {@code INSERT}, {@code COMMIT}, with auto-commit on (as {@code SqliteStore} does, because
 * sqlite-jdbc's {@code commit()} would eagerly begin the next transaction). All three statements
 * are prepared once, so the loop measures SQLite and the disk, not statement preparation.
 */
final class RawCommits implements AutoCloseable {
  private final Connection connection;
  private final PreparedStatement begin;
  private final PreparedStatement insert;
  private final PreparedStatement commit;
  private long next;

  RawCommits(Path db, boolean synchronousFull) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(synchronousFull ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(10_000);
    connection = config.createConnection("jdbc:sqlite:" + db);
    try (Statement st = connection.createStatement()) {
      // A fresh file nobody else uses: setting WAL here is its creation, as for a new board.
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("CREATE TABLE IF NOT EXISTS commits (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, note TEXT)");
    }
    begin = connection.prepareStatement("BEGIN IMMEDIATE");
    insert = connection.prepareStatement("INSERT INTO commits (id, at, note) VALUES (?, ?, ?)");
    commit = connection.prepareStatement("COMMIT");
  }

  /** Commits single-row transactions until the deadline; returns how many. */
  long commitUntil(long deadlineNanos) throws SQLException {
    long n = 0;
    do {
      begin.execute();
      insert.setLong(1, ++next);
      insert.setLong(2, System.currentTimeMillis());
      insert.setString(3, "one row");
      insert.executeUpdate();
      commit.execute();
      n++;
    } while (System.nanoTime() < deadlineNanos);
    return n;
  }

  String sqliteVersion() throws SQLException {
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT sqlite_version()")) {
      return rs.next() ? rs.getString(1) : "?";
    }
  }

  String driverVersion() throws SQLException {
    return connection.getMetaData().getDriverVersion();
  }

  @Override
  public void close() throws SQLException {
    begin.close();
    insert.close();
    commit.close();
    connection.close();
  }
}
