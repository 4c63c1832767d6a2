package org.agentkanban.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * What a drill checks on a board after its processes were killed, with a read-only JDBC connection
 * of its own: SQLite's full {@code integrity_check}, the state machine's invariants (the ones the
 * whole design rests on, as {@code BoardInvariantsProperties} checks them in-process), and whether
 * acknowledged writes are present. Every check returns what it found wrong; empty means it holds.
 */
final class BoardCheck implements AutoCloseable {
  /** Invariant name → a query that returns the rows breaking it. */
  private static final List<String[]> INVARIANTS = List.of(
      new String[] {"running <=> exactly one open run, and it is the current run", """
          SELECT t.id, t.status, t.current_run_id,
                 (SELECT count(*) FROM runs r WHERE r.task_id = t.id AND r.ended_at IS NULL) AS open_runs
          FROM tasks t
          WHERE open_runs <> CASE WHEN t.status = 'running' THEN 1 ELSE 0 END
             OR (t.status = 'running') <> (t.current_run_id IS NOT NULL)
             OR (t.current_run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM runs r
                   WHERE r.id = t.current_run_id AND r.task_id = t.id AND r.ended_at IS NULL))"""},
      new String[] {"no ready or review task waits on an unfinished parent", """
          SELECT c.id, c.status, p.id, p.status FROM tasks c
          JOIN links l ON l.child_id = c.id JOIN tasks p ON p.id = l.parent_id
          WHERE c.status IN ('ready', 'review') AND p.status NOT IN ('done', 'archived')"""},
      new String[] {"a done task has its completion time", """
          SELECT id FROM tasks WHERE status = 'done' AND completed_at IS NULL"""},
      new String[] {"links are acyclic", """
          WITH RECURSIVE reach(start, node) AS (
            SELECT parent_id, child_id FROM links
            UNION SELECT r.start, l.child_id FROM reach r JOIN links l ON l.parent_id = r.node)
          SELECT start FROM reach WHERE start = node"""},
      new String[] {"foreign keys hold", "PRAGMA foreign_key_check"},
      new String[] {"no orphan rows", """
          SELECT 'link', parent_id, child_id FROM links
            WHERE parent_id NOT IN (SELECT id FROM tasks) OR child_id NOT IN (SELECT id FROM tasks)
          UNION ALL SELECT 'run', id, task_id FROM runs WHERE task_id NOT IN (SELECT id FROM tasks)
          UNION ALL SELECT 'event', id, task_id FROM events
            WHERE task_id IS NOT NULL AND task_id NOT IN (SELECT id FROM tasks)
          UNION ALL SELECT 'comment', id, task_id FROM comments WHERE task_id NOT IN (SELECT id FROM tasks)"""},
      new String[] {"every task has exactly one created event", """
          SELECT t.id, (SELECT count(*) FROM events e WHERE e.task_id = t.id AND e.kind = 'created') AS n
          FROM tasks t WHERE n <> 1"""},
      new String[] {"every comment has its commented event", """
          SELECT c.id FROM comments c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.task_id = c.task_id
            AND e.kind = 'commented' AND json_extract(e.payload, '$.comment_id') = c.id)"""},
      new String[] {"every open run has its claimed event", """
          SELECT r.id FROM runs r WHERE r.ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM events e
            WHERE e.run_id = r.id AND e.kind = 'claimed')"""},
      new String[] {"every ended run has the event that ended it", """
          SELECT r.id, r.outcome FROM runs r WHERE r.ended_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events e
            WHERE e.run_id = r.id AND e.kind IN ('completed', 'blocked', 'dependency_wait', 'block_loop_detected',
              'review_requested', 'changes_requested', 'reclaimed', 'crashed', 'protocol_violation',
              'rate_limited', 'timed_out', 'spawn_failed', 'gave_up', 'archived', 'scheduled'))"""},
      new String[] {"event ids increase with time", """
          SELECT a.id, b.id FROM events a JOIN events b ON b.id = (SELECT min(id) FROM events WHERE id > a.id)
          WHERE b.created_at < a.created_at"""});

  private final Connection db;

  BoardCheck(Path boardDb) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(30_000);
    db = config.createConnection("jdbc:sqlite:" + boardDb);
  }

  /** SQLite's full check: "ok", or what it found. */
  String integrity() throws SQLException {
    return String.join("\n", rows("PRAGMA integrity_check"));
  }

  /** "invariant: offending rows" for every invariant that does not hold. */
  List<String> invariantViolations() throws SQLException {
    List<String> out = new ArrayList<>();
    for (String[] inv : INVARIANTS) {
      List<String> bad = rows(inv[1]);
      if (!bad.isEmpty()) {
        out.add(inv[0] + ": " + String.join("; ", bad.subList(0, Math.min(5, bad.size())))
            + (bad.size() > 5 ? " (+" + (bad.size() - 5) + " more)" : ""));
      }
    }
    return out;
  }

  /** Running tasks whose run has no worker process: none may be left once their leases expired. */
  List<String> runningWithoutWorker() throws SQLException {
    return rows("""
        SELECT t.id, r.id, r.lease_expires_at FROM tasks t JOIN runs r ON r.id = t.current_run_id
        WHERE t.status = 'running' AND r.worker_pid IS NULL""");
  }

  /** Every row of a query, its columns joined with " | ". */
  List<String> rows(String sql, Object... args) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        int cols = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= cols; i++) {
            row.append(i > 1 ? " | " : "").append(rs.getString(i));
          }
          out.add(row.toString());
        }
      }
    }
    return out;
  }

  boolean exists(String sql, Object... args) throws SQLException {
    return !rows(sql, args).isEmpty();
  }

  long number(String sql) throws SQLException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
