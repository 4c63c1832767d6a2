package org.agentkanban.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * Looks into a board's database from a test with its own short-lived, read-only JDBC connection
 * (never through file I/O: see sqlite-rules.md rule 1). Every call opens and closes its connection,
 * so nothing is held while the board's own processes run.
 */
public final class BoardDb {
  private static final List<String> ID_TABLES = List.of("tasks", "runs", "comments", "events", "attachments");

  private BoardDb() {}

  public static Path file(Path home, String slug) {
    return home.resolve("boards").resolve(slug).resolve("board.db");
  }

  public static Path file(Path home) {
    return file(home, "default");
  }

  /**
   * Everything a write could change: row counts and highest row ids of tasks, runs, links,
   * comments, events and attachments, the AUTOINCREMENT counters, and a dump of every task row.
   * Two equal fingerprints mean nothing was written in between.
   */
  public record Fingerprint(Map<String, Long> counts, Map<String, Long> maxIds, List<String> links,
                            List<String> sequences, List<String> tasks) {}

  public static Fingerprint fingerprint(Path dbFile) {
    return withConnection(dbFile, c -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      Map<String, Long> maxIds = new LinkedHashMap<>();
      for (String table : ID_TABLES) {
        counts.put(table, scalar(c, "SELECT count(*) FROM " + table));
        maxIds.put(table, scalar(c, "SELECT coalesce(max(rowid), 0) FROM " + table));
      }
      counts.put("links", scalar(c, "SELECT count(*) FROM links"));
      List<String> links = strings(c, "SELECT parent_id || '->' || child_id FROM links ORDER BY parent_id, child_id");
      List<String> sequences = strings(c, "SELECT name || '=' || seq FROM sqlite_sequence ORDER BY name");
      List<String> tasks = rows(c, "SELECT * FROM tasks ORDER BY id").stream().map(Object::toString).toList();
      return new Fingerprint(counts, maxIds, links, sequences, tasks);
    });
  }

  /** One number, e.g. {@code count(BoardDb.file(home), "SELECT count(*) FROM runs WHERE task_id = ?", id)}. */
  public static long scalar(Path dbFile, String sql, Object... args) {
    return withConnection(dbFile, c -> scalar(c, sql, args));
  }

  /** Rows as column-name → value maps. */
  public static List<Map<String, Object>> rows(Path dbFile, String sql, Object... args) {
    return withConnection(dbFile, c -> rows(c, sql, args));
  }

  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private static <T> T withConnection(Path dbFile, Work<T> work) {
    if (!Files.isRegularFile(dbFile)) {
      throw new AssertionError("no board database at " + dbFile);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile, config.toProperties())) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new AssertionError("cannot read " + dbFile + ": " + e.getMessage(), e);
    }
  }

  private static long scalar(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement st = prepare(c, sql, args); ResultSet rs = st.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<Map<String, Object>> rows(Connection c, String sql, Object... args) throws SQLException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (PreparedStatement st = prepare(c, sql, args); ResultSet rs = st.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement st = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      st.setObject(i + 1, args[i]);
    }
    return st;
  }
}
