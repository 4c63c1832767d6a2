package org.agentkanban.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The little JDBC plumbing every statement needs. Every ResultSet is closed before returning. */
final class Jdbc {
  private Jdbc() {}

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      int p = i + 1;
      if (a == null) {
        ps.setNull(p, Types.NULL);
      } else if (a instanceof String s) {
        ps.setString(p, s);
      } else if (a instanceof Long l) {
        ps.setLong(p, l);
      } else if (a instanceof Integer n) {
        ps.setInt(p, n);
      } else if (a instanceof Boolean b) {
        ps.setInt(p, b ? 1 : 0);
      } else {
        throw new IllegalArgumentException("cannot bind " + a.getClass().getName());
      }
    }
  }

  static <T> List<T> list(PreparedStatement ps, RowMapper<T> mapper, Object... args) throws SQLException {
    bind(ps, args);
    List<T> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
    }
    return out;
  }

  static <T> Optional<T> one(PreparedStatement ps, RowMapper<T> mapper, Object... args) throws SQLException {
    bind(ps, args);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
    }
  }

  static long longValue(PreparedStatement ps, Object... args) throws SQLException {
    bind(ps, args);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }

  static int update(PreparedStatement ps, Object... args) throws SQLException {
    bind(ps, args);
    return ps.executeUpdate();
  }

  static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  static Integer nullableInt(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }
}
