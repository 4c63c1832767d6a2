package org.agentkanban.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Link;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.store.EventQuery;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.store.WriteTx;

/**
 * The SQLite primitives behind {@link WriteTx}, over one connection inside one transaction. A
 * read-only instance (on a reader connection) refuses writes. SQL errors escape as
 * {@link SqlFailure} and are translated once, by {@link SqliteStore}.
 */
final class SqliteTx implements WriteTx {
  private final Statements statements;
  private final boolean writable;
  /**
   * Task and run rows as this write transaction read or wrote them, so that an update sets only
   * the columns that changed. SQLite rewrites every index on a column named in SET, even when the
   * value stays the same, and each rewritten index page is one more WAL frame to write and
   * checkpoint: setting every column made a claim or a complete write 13–14 frames instead of
   * ~10. The rows are exact: this transaction has held the write lock since it began and every
   * change to them goes through this object. The compare-and-swap in each WHERE is unchanged.
   */
  private final Map<String, Task> tasksSeen = new HashMap<>();
  private final Map<Long, Run> runsSeen = new HashMap<>();

  SqliteTx(Statements statements, boolean writable) {
    this.statements = statements;
    this.writable = writable;
  }

  /** An unchecked carrier for SQLException through the functional work interfaces. */
  static final class SqlFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SqlFailure(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  @FunctionalInterface
  private interface SqlCall<T> {
    T call() throws SQLException;
  }

  private static <T> T sql(SqlCall<T> call) {
    try {
      return call.call();
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  private PreparedStatement ps(String sql) throws SQLException {
    return statements.get(sql);
  }

  private void requireWritable() {
    if (!writable) {
      throw new IllegalStateException("write attempted inside a read transaction");
    }
  }

  // ---- attachments -------------------------------------------------------------------------

  @Override
  public Optional<Attachment> attachmentGet(long id) {
    return sql(() -> Jdbc.one(ps("SELECT " + Rows.ATTACHMENT_COLUMNS + " FROM attachments WHERE id = ?"),
        Rows::attachment, id));
  }

  @Override
  public List<Attachment> attachmentList(String taskId) {
    return sql(() -> Jdbc.list(ps("SELECT " + Rows.ATTACHMENT_COLUMNS + " FROM attachments WHERE task_id = ? ORDER BY id"),
        Rows::attachment, taskId));
  }

  @Override
  public long attachmentInsert(Attachment a) {
    requireWritable();
    return sql(() -> Jdbc.longValue(ps(
            """
            INSERT INTO attachments (task_id, filename, stored_name, content_type, size, sha256, uploaded_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""),
        a.taskId(), a.filename(), a.storedName(), a.contentType(), a.size(), a.sha256(), a.uploadedBy(), a.createdAt()));
  }

  @Override
  public boolean attachmentDelete(long id) {
    requireWritable();
    return sql(() -> Jdbc.update(ps("DELETE FROM attachments WHERE id = ?"), id)) == 1;
  }

  // ---- comments ----------------------------------------------------------------------------

  @Override
  public List<Comment> commentList(String taskId, int limit) {
    List<Comment> newestFirst = sql(() -> Jdbc.list(ps(
            "SELECT " + Rows.COMMENT_COLUMNS + " FROM comments WHERE task_id = ? ORDER BY id DESC LIMIT ?"),
        Rows::comment, taskId, limit));
    List<Comment> out = new ArrayList<>(newestFirst);
    java.util.Collections.reverse(out);
    return out;
  }

  @Override
  public int commentCount(String taskId) {
    return sql(() -> Jdbc.longValue(ps("SELECT count(*) FROM comments WHERE task_id = ?"), taskId)).intValue();
  }

  @Override
  public long commentInsert(Comment c) {
    requireWritable();
    return sql(() -> Jdbc.longValue(ps(
            "INSERT INTO comments (task_id, author, body, created_at) VALUES (?, ?, ?, ?) RETURNING id"),
        c.taskId(), c.author(), c.body(), c.createdAt()));
  }

  // ---- events ------------------------------------------------------------------------------

  @Override
  public List<Event> eventList(EventQuery q) {
    String cols = "SELECT " + Rows.EVENT_COLUMNS + " FROM events ";
    if (q.taskId() == null) {
      return sql(() -> q.newestFirst()
          ? Jdbc.list(ps(cols + "WHERE id > ? ORDER BY id DESC LIMIT ?"), Rows::event, q.afterId(), q.limit())
          : Jdbc.list(ps(cols + "WHERE id > ? ORDER BY id LIMIT ?"), Rows::event, q.afterId(), q.limit()));
    }
    return sql(() -> q.newestFirst()
        ? Jdbc.list(ps(cols + "WHERE task_id = ? AND id > ? ORDER BY id DESC LIMIT ?"), Rows::event, q.taskId(), q.afterId(), q.limit())
        : Jdbc.list(ps(cols + "WHERE task_id = ? AND id > ? ORDER BY id LIMIT ?"), Rows::event, q.taskId(), q.afterId(), q.limit()));
  }

  @Override
  public long eventMaxId() {
    return sql(() -> Jdbc.longValue(ps("SELECT coalesce(max(id), 0) FROM events")));
  }

  @Override
  public int eventCount() {
    return sql(() -> Jdbc.longValue(ps("SELECT count(*) FROM events"))).intValue();
  }

  @Override
  public long eventAppend(Event e) {
    requireWritable();
    return sql(() -> Jdbc.longValue(ps(
            "INSERT INTO events (task_id, run_id, kind, actor, payload, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
        e.taskId(), e.runId(), e.kind().wire(), e.actor(), e.payload(), e.createdAt()));
  }

  @Override
  public int eventDeleteOfFinishedTasksBefore(long beforeMs) {
    requireWritable();
    return sql(() -> Jdbc.update(ps(
            """
            DELETE FROM events WHERE created_at < ? AND kind <> 'created'
              AND task_id IN (SELECT id FROM tasks WHERE status IN ('done', 'archived'))"""),
        beforeMs));
  }

  // ---- links -------------------------------------------------------------------------------

  @Override
  public List<Link> linkChildren(String parentId) {
    return sql(() -> Jdbc.list(ps("SELECT parent_id, child_id, created_at FROM links WHERE parent_id = ? ORDER BY created_at, child_id"),
        Rows::link, parentId));
  }

  @Override
  public List<Link> linkParents(String childId) {
    return sql(() -> Jdbc.list(ps("SELECT parent_id, child_id, created_at FROM links WHERE child_id = ? ORDER BY created_at, parent_id"),
        Rows::link, childId));
  }

  @Override
  public List<Link> linkListTouching(Collection<String> taskIds) {
    if (taskIds.isEmpty()) {
      return List.of();
    }
    String ids = Rows.jsonArray(taskIds);
    return sql(() -> Jdbc.list(ps(
            """
            SELECT parent_id, child_id, created_at FROM links WHERE parent_id IN (SELECT value FROM json_each(?))
            UNION
            SELECT parent_id, child_id, created_at FROM links WHERE child_id IN (SELECT value FROM json_each(?))
            ORDER BY 3, 1, 2"""),
        Rows::link, ids, ids));
  }

  @Override
  public boolean linkPathExists(String fromId, String toId) {
    return sql(() -> Jdbc.one(ps(
            """
            WITH RECURSIVE reach(id) AS (
              SELECT ?
              UNION
              SELECT l.child_id FROM links l JOIN reach r ON l.parent_id = r.id
            )
            SELECT 1 FROM reach WHERE id = ? LIMIT 1"""),
        rs -> Boolean.TRUE, fromId, toId)).isPresent();
  }

  @Override
  public void linkInsert(Link link) {
    requireWritable();
    sql(() -> Jdbc.update(ps("INSERT INTO links (parent_id, child_id, created_at) VALUES (?, ?, ?)"),
        link.parentId(), link.childId(), link.createdAt()));
  }

  @Override
  public boolean linkDelete(String parentId, String childId) {
    requireWritable();
    return sql(() -> Jdbc.update(ps("DELETE FROM links WHERE parent_id = ? AND child_id = ?"), parentId, childId)) == 1;
  }

  // ---- board metadata ----------------------------------------------------------------------

  @Override
  public Optional<String> metaGet(String key) {
    return sql(() -> Jdbc.one(ps("SELECT value FROM board_meta WHERE key = ?"), rs -> rs.getString(1), key));
  }

  @Override
  public void metaPut(String key, String value) {
    requireWritable();
    sql(() -> Jdbc.update(ps(
            "INSERT INTO board_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        key, value));
  }

  // ---- runs --------------------------------------------------------------------------------

  @Override
  public Map<RunOutcome, Integer> runCountByOutcome() {
    Map<RunOutcome, Integer> out = new EnumMap<>(RunOutcome.class);
    sql(() -> Jdbc.list(ps("SELECT outcome, count(*) FROM runs WHERE outcome IS NOT NULL GROUP BY outcome"),
            rs -> out.put(RunOutcome.parse(rs.getString(1)), rs.getInt(2))));
    return out;
  }

  @Override
  public int runCountSince(String taskId, RunOutcome outcome, long sinceMs) {
    return sql(() -> Jdbc.longValue(ps(
            "SELECT count(*) FROM runs WHERE task_id = ? AND outcome = ? AND ended_at >= ?"),
        taskId, outcome.wire(), sinceMs)).intValue();
  }

  @Override
  public Optional<Run> runGet(long runId) {
    Optional<Run> run = sql(() -> Jdbc.one(ps("SELECT " + Rows.RUN_COLUMNS + " FROM runs WHERE id = ?"), Rows::run, runId));
    run.ifPresent(this::seen);
    return run;
  }

  @Override
  public List<Run> runList(String taskId) {
    return sql(() -> Jdbc.list(ps("SELECT " + Rows.RUN_COLUMNS + " FROM runs WHERE task_id = ? ORDER BY id"),
        Rows::run, taskId));
  }

  @Override
  public List<Run> runListLeaseExpired(long now, int limit) {
    List<Run> runs = sql(() -> Jdbc.list(ps(
            "SELECT " + Rows.RUN_COLUMNS + " FROM runs WHERE ended_at IS NULL AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT ?"),
        Rows::run, now, limit));
    runs.forEach(this::seen);
    return runs;
  }

  @Override
  public List<Run> runListRecentCompleted(String assignee, String excludeTaskId, int limit) {
    return sql(() -> Jdbc.list(ps(
            "SELECT " + Rows.RUN_COLUMNS
                + " FROM runs WHERE outcome = 'completed' AND assignee = ? AND task_id <> ? ORDER BY ended_at DESC LIMIT ?"),
        Rows::run, assignee, excludeTaskId, limit));
  }

  @Override
  public Run runInsert(Run r) {
    requireWritable();
    long id = sql(() -> Jdbc.longValue(ps(
            """
            INSERT INTO runs (task_id, lane, assignee, claimed_by, token_hash, lease_expires_at, lease_ttl_ms,
              last_heartbeat_at, worker_host, worker_pid, worker_started_at, workspace_path, max_runtime_ms,
              started_at, ended_at, outcome, summary, metadata, error, exit_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""),
        Rows.runValues(r)));
    return seen(r.withId(id));
  }

  @Override
  public void runUpdateIfOpen(Run r) {
    requireWritable();
    Run before = runsSeen.get(r.id());
    if (before != null) {
      runUpdateChangedColumns(before, r);
    } else {
      runUpdateEveryColumn(r);
    }
    runsSeen.put(r.id(), r);
  }

  private void runUpdateChangedColumns(Run before, Run r) {
    Object[] old = Rows.runValues(before);
    Object[] values = Rows.runValues(r);
    StringBuilder set = new StringBuilder();
    List<Object> args = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (!Objects.equals(old[i], values[i])) {
        set.append(set.length() == 0 ? "" : ", ").append(Rows.RUN_VALUE_COLUMNS[i]).append(" = ?");
        args.add(values[i]);
      }
    }
    args.add(r.id());
    String lost = "run " + r.id() + " was closed by another writer";
    if (set.length() == 0) {
      // Nothing to write, but the caller still learns whether the run is open.
      casResult(sql(() -> Jdbc.longValue(ps("SELECT count(*) FROM runs WHERE id = ? AND ended_at IS NULL"), r.id())).intValue(), lost);
      return;
    }
    String sqlText = "UPDATE runs SET " + set + " WHERE id = ? AND ended_at IS NULL";
    casResult(sql(() -> Jdbc.update(ps(sqlText), args.toArray())), lost);
  }

  private void runUpdateEveryColumn(Run r) {
    Object[] values = Rows.runValues(r);
    Object[] args = java.util.Arrays.copyOf(values, values.length + 1);
    args[values.length] = r.id();
    int n = sql(() -> Jdbc.update(ps(
            """
            UPDATE runs SET task_id = ?, lane = ?, assignee = ?, claimed_by = ?, token_hash = ?,
              lease_expires_at = ?, lease_ttl_ms = ?, last_heartbeat_at = ?, worker_host = ?, worker_pid = ?,
              worker_started_at = ?, workspace_path = ?, max_runtime_ms = ?, started_at = ?, ended_at = ?,
              outcome = ?, summary = ?, metadata = ?, error = ?, exit_code = ?
            WHERE id = ? AND ended_at IS NULL"""),
        args));
    casResult(n, "run " + r.id() + " was closed by another writer");
  }

  // ---- tasks -------------------------------------------------------------------------------

  @Override
  public Map<String, Integer> taskCountByAssignee() {
    Map<String, Integer> out = new LinkedHashMap<>();
    sql(() -> Jdbc.list(ps(
            "SELECT coalesce(assignee, ''), count(*) FROM tasks WHERE status <> 'archived' GROUP BY 1 ORDER BY 1"),
        rs -> out.put(rs.getString(1), rs.getInt(2))));
    return out;
  }

  @Override
  public Map<Status, Integer> taskCountByStatus() {
    Map<Status, Integer> out = new EnumMap<>(Status.class);
    sql(() -> Jdbc.list(ps("SELECT status, count(*) FROM tasks GROUP BY status"),
        rs -> out.put(Status.parse(rs.getString(1)), rs.getInt(2))));
    return out;
  }

  @Override
  public Optional<Task> taskGet(String id) {
    Optional<Task> task = sql(() -> Jdbc.one(ps("SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE id = ?"), Rows::task, id));
    task.ifPresent(this::seen);
    return task;
  }

  @Override
  public List<Task> taskList(TaskQuery q) {
    StringBuilder where = new StringBuilder();
    List<Object> args = new ArrayList<>();
    if (q.statuses().size() == 1) {
      // With '=' (not IN) the index on (status, priority DESC, created_at, id) yields the dispatch
      // order itself, so LIMIT stops after `limit` rows instead of sorting every task in that status.
      where.append(" AND status = ?");
      args.add(q.statuses().iterator().next().wire());
    } else if (!q.statuses().isEmpty()) {
      where.append(" AND status IN (SELECT value FROM json_each(?))");
      args.add(Rows.jsonArray(q.statuses().stream().map(Status::wire).sorted().toList()));
    } else if (!q.includeArchived()) {
      where.append(" AND status <> 'archived'");
    }
    if (q.assignee() != null) {
      where.append(" AND assignee = ?");
      args.add(q.assignee());
    }
    if (q.tenant() != null) {
      where.append(" AND tenant = ?");
      args.add(q.tenant());
    }
    args.add(q.limit());
    String sqlText = "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE 1 = 1" + where
        + " ORDER BY " + orderBy(q) + " LIMIT ?";
    List<Task> tasks = sql(() -> Jdbc.list(ps(sqlText), Rows::task, args.toArray()));
    tasks.forEach(this::seen);
    return tasks;
  }

  private static String orderBy(TaskQuery q) {
    return switch (q.sort()) {
      case PRIORITY -> "priority DESC, created_at, id";
      case PRIORITY_ASC -> "priority, created_at, id";
      case CREATED -> "created_at, id";
      case CREATED_DESC -> "created_at DESC, id DESC";
      case UPDATED -> "updated_at, id";
      case UPDATED_DESC -> "updated_at DESC, id DESC";
      case STATUS ->
          "CASE status WHEN 'triage' THEN 0 WHEN 'todo' THEN 1 WHEN 'scheduled' THEN 2 WHEN 'ready' THEN 3"
              + " WHEN 'running' THEN 4 WHEN 'blocked' THEN 5 WHEN 'review' THEN 6 WHEN 'done' THEN 7 ELSE 8 END,"
              + " priority DESC, created_at, id";
      case ASSIGNEE -> "assignee IS NULL, assignee, priority DESC, created_at, id";
      case TITLE -> "title COLLATE NOCASE, id";
    };
  }

  @Override
  public List<Task> taskListDueScheduled(long now, int limit) {
    List<Task> tasks = sql(() -> Jdbc.list(ps(
            "SELECT " + Rows.TASK_COLUMNS
                + " FROM tasks WHERE status = 'scheduled' AND scheduled_at <= ? ORDER BY scheduled_at, id LIMIT ?"),
        Rows::task, now, limit));
    tasks.forEach(this::seen);
    return tasks;
  }

  @Override
  public Optional<Long> taskOldestReadySince() {
    return sql(() -> Jdbc.one(ps("SELECT min(updated_at) FROM tasks WHERE status = 'ready'"),
        rs -> Jdbc.nullableLong(rs, 1)));
  }

  @Override
  public Map<String, Status> taskStatuses(Collection<String> ids) {
    Map<String, Status> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    sql(() -> Jdbc.list(ps("SELECT id, status FROM tasks WHERE id IN (SELECT value FROM json_each(?))"),
        rs -> out.put(rs.getString(1), Status.parse(rs.getString(2))), Rows.jsonArray(ids)));
    return out;
  }

  @Override
  public void taskDelete(String id) {
    requireWritable();
    sql(() -> Jdbc.update(ps("DELETE FROM tasks WHERE id = ?"), id));
    tasksSeen.remove(id);
    runsSeen.values().removeIf(r -> r.taskId().equals(id)); // deleted with the task
  }

  @Override
  public Optional<String> taskIdByDedupeSlot(String slot) {
    return sql(() -> Jdbc.one(ps("SELECT id FROM tasks WHERE dedupe_slot = ?"), rs -> rs.getString(1), slot));
  }

  @Override
  public void taskInsert(Task t) {
    requireWritable();
    sql(() -> Jdbc.update(ps(
            """
            INSERT INTO tasks (id, title, body, assignee, status, priority, tenant, created_by, idempotency_key,
              dedupe_scope, dedupe_slot, workspace_kind, workspace_path, created_at, updated_at, started_at,
              completed_at, scheduled_at, max_runtime_ms, max_retries, consecutive_failures, protocol_violations,
              block_kind, block_recurrences, block_reason, resume_status, review_implementer, current_run_id,
              last_failure_error, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""),
        Rows.taskValues(t)));
    seen(t);
  }

  @Override
  public Task taskUpdate(Task next) {
    requireWritable();
    Task before = tasksSeen.get(next.id());
    if (before != null && before.version() == next.version()) {
      taskUpdateChangedColumns(before, next);
    } else {
      taskUpdateEveryColumn(next);
    }
    return seen(next.toBuilder().version(next.version() + 1).build());
  }

  private void taskUpdateChangedColumns(Task before, Task next) {
    Object[] old = Rows.taskValues(before);
    Object[] values = Rows.taskValues(next);
    StringBuilder set = new StringBuilder();
    List<Object> args = new ArrayList<>();
    // Every column but id (first) and version (last, always incremented).
    for (int i = 1; i < values.length - 1; i++) {
      if (!Objects.equals(old[i], values[i])) {
        set.append(Rows.TASK_VALUE_COLUMNS[i]).append(" = ?, ");
        args.add(values[i]);
      }
    }
    args.add(next.id());
    args.add(next.version());
    String sqlText = "UPDATE tasks SET " + set + "version = version + 1 WHERE id = ? AND version = ?";
    casResult(sql(() -> Jdbc.update(ps(sqlText), args.toArray())), "task " + next.id() + " was changed by another writer; retry");
  }

  private void taskUpdateEveryColumn(Task next) {
    Object[] values = Rows.taskValues(next);
    // Every column but id (first) and version (last), then the key and the expected version.
    Object[] args = new Object[values.length];
    System.arraycopy(values, 1, args, 0, values.length - 2);
    args[values.length - 2] = next.id();
    args[values.length - 1] = next.version();
    int n = sql(() -> Jdbc.update(ps(
            """
            UPDATE tasks SET title = ?, body = ?, assignee = ?, status = ?, priority = ?, tenant = ?, created_by = ?,
              idempotency_key = ?, dedupe_scope = ?, dedupe_slot = ?, workspace_kind = ?, workspace_path = ?,
              created_at = ?, updated_at = ?, started_at = ?, completed_at = ?, scheduled_at = ?, max_runtime_ms = ?,
              max_retries = ?, consecutive_failures = ?, protocol_violations = ?, block_kind = ?,
              block_recurrences = ?, block_reason = ?, resume_status = ?, review_implementer = ?,
              current_run_id = ?, last_failure_error = ?, version = version + 1
            WHERE id = ? AND version = ?"""),
        args));
    casResult(n, "task " + next.id() + " was changed by another writer; retry");
  }

  private Task seen(Task t) {
    if (writable) {
      tasksSeen.put(t.id(), t);
    }
    return t;
  }

  private Run seen(Run r) {
    if (writable) {
      runsSeen.put(r.id(), r);
    }
    return r;
  }

  /** 0 rows: someone else won (a normal outcome). 1: done. More: impossible with a primary key. */
  private static void casResult(int rows, String lostMessage) {
    if (rows == 0) {
      throw KanbanException.conflict(lostMessage);
    }
    if (rows > 1) {
      throw new IllegalStateException(rows + " rows matched a primary-key compare-and-swap: " + lostMessage);
    }
  }
}
