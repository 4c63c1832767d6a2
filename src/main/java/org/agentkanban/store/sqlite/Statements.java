package org.agentkanban.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prepared statements cached per connection: preparing is a large share of a short transaction's
 * cost. Statements hold no lock between uses because every ResultSet is closed.
 */
final class Statements implements AutoCloseable {
  /**
   * Far more than the statements in use: the fixed ones plus the updates of changed columns
   * ({@link SqliteTx}), of which the verbs produce a few dozen shapes. The bound only keeps an
   * unusual mix from growing the cache without end. A statement is used right after
   * {@link #get} returns it, so evicting the least recently used one never closes one in use.
   */
  static final int CACHE_SIZE = 256;

  private final Connection connection;
  private final Map<String, PreparedStatement> cache = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
      if (size() <= CACHE_SIZE) {
        return false;
      }
      closeQuietly(eldest.getValue());
      return true;
    }
  };

  Statements(Connection connection) {
    this.connection = connection;
  }

  PreparedStatement get(String sql) throws SQLException {
    PreparedStatement ps = cache.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      cache.put(sql, ps);
    }
    return ps;
  }

  Connection connection() {
    return connection;
  }

  /**
   * Runs one of the few transaction statements ({@code BEGIN}, {@code BEGIN IMMEDIATE},
   * {@code COMMIT}, {@code ROLLBACK}) through the cache: every transaction runs two of them, and
   * parsing them anew each time is measurable on short transactions.
   */
  void transaction(String sql) throws SQLException {
    get(sql).execute();
  }

  void exec(String sql) throws SQLException {
    try (var st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  private static void closeQuietly(PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException ignored) {
      // closing: nothing left to protect
    }
  }

  @Override
  public void close() {
    cache.values().forEach(Statements::closeQuietly);
    cache.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing: nothing left to protect
    }
  }
}
