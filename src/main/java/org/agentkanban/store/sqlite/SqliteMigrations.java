package org.agentkanban.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import org.agentkanban.store.StoreUnavailableException;

/**
 * Ordered schema migrations from {@code resources/db/sqlite}, applied inside the caller's
 * {@code BEGIN IMMEDIATE} so two processes opening a new board cannot both apply them.
 */
final class SqliteMigrations {
  /** Append only; never edit a released file. */
  static final List<String> FILES = List.of("001_initial_schema.sql", "002_fewer_index_writes.sql");

  private static final Pattern STATEMENT_END = Pattern.compile("(?m)^;\\s*$");

  private SqliteMigrations() {}

  static int latestVersion() {
    return FILES.size();
  }

  static int currentVersion(Statements st) throws SQLException {
    boolean hasTable = Jdbc.one(st.get(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'"), rs -> true)
        .isPresent();
    return hasTable ? (int) Jdbc.longValue(st.get("SELECT coalesce(max(version), 0) FROM schema_version")) : 0;
  }

  /** Applies what is missing. Must run inside a write transaction. */
  static void migrate(Statements st, String location, long now) throws SQLException {
    int current = currentVersion(st);
    if (current > latestVersion()) {
      throw new StoreUnavailableException(StoreUnavailableException.Cause.UNUSABLE,
          "board schema version " + current + " is newer than this kanban supports (" + latestVersion()
              + "): " + location + "; upgrade kanban", null);
    }
    if (current == latestVersion()) {
      return;
    }
    st.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    for (int v = current + 1; v <= latestVersion(); v++) {
      String file = FILES.get(v - 1);
      for (String statement : STATEMENT_END.split(read(file))) {
        if (!statement.isBlank() && !statement.strip().lines().allMatch(l -> l.strip().startsWith("--") || l.isBlank())) {
          st.exec(statement);
        }
      }
      Jdbc.update(st.get("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)"), v, file, now);
    }
  }

  private static String read(String file) {
    String resource = "/db/sqlite/" + file;
    try (InputStream in = SqliteMigrations.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration missing from the build: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + resource, e);
    }
  }
}
