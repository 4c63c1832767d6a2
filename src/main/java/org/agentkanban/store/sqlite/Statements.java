package org.agentkanban.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements cached per connection: preparing is a large share of a short transaction's
 * cost. Statements hold no lock between uses because every ResultSet is closed.
 */
final class Statements implements AutoCloseable {
  private final Connection connection;
  private final Map<String, PreparedStatement> cache = new HashMap<>();

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

  @Override
  public void close() {
    for (PreparedStatement ps : cache.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing: nothing left to protect
      }
    }
    cache.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing: nothing left to protect
    }
  }
}
