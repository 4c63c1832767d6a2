package org.agentkanban.store.sqlite;

import static org.agentkanban.store.sqlite.Jdbc.nullableInt;
import static org.agentkanban.store.sqlite.Jdbc.nullableLong;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Link;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.Workspace;

/** Column lists and row mappers. Mappers read by position, matching the column lists exactly. */
final class Rows {
  private Rows() {}

  static final String TASK_COLUMNS =
      """
      id, title, body, assignee, status, priority, tenant, created_by, idempotency_key, dedupe_scope,
      workspace_kind, workspace_path, created_at, updated_at, started_at, completed_at, scheduled_at,
      max_runtime_ms, max_retries, consecutive_failures, protocol_violations, block_kind,
      block_recurrences, block_reason, resume_status, review_implementer, current_run_id,
      last_failure_error, version""";

  static Task task(ResultSet rs) throws SQLException {
    String blockKind = rs.getString(22);
    return new Task(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        Status.parse(rs.getString(5)),
        rs.getInt(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        DedupeScope.parse(rs.getString(10)),
        new Workspace(Workspace.Kind.parse(rs.getString(11)), rs.getString(12)),
        rs.getLong(13),
        rs.getLong(14),
        nullableLong(rs, 15),
        nullableLong(rs, 16),
        nullableLong(rs, 17),
        nullableLong(rs, 18),
        nullableInt(rs, 19),
        rs.getInt(20),
        rs.getInt(21),
        blockKind == null ? null : BlockKind.parse(blockKind),
        rs.getInt(23),
        rs.getString(24),
        Status.parse(rs.getString(25)),
        rs.getString(26),
        nullableLong(rs, 27),
        rs.getString(28),
        rs.getLong(29));
  }

  /** The column of each of {@link #taskValues}, in the same order. */
  static final String[] TASK_VALUE_COLUMNS = {
    "id", "title", "body", "assignee", "status", "priority", "tenant", "created_by", "idempotency_key",
    "dedupe_scope", "dedupe_slot", "workspace_kind", "workspace_path", "created_at", "updated_at",
    "started_at", "completed_at", "scheduled_at", "max_runtime_ms", "max_retries", "consecutive_failures",
    "protocol_violations", "block_kind", "block_recurrences", "block_reason", "resume_status",
    "review_implementer", "current_run_id", "last_failure_error", "version"
  };

  /** Values for every column of {@code tasks}, in insert order (see {@link SqliteTx#taskInsert}). */
  static Object[] taskValues(Task t) {
    return new Object[] {
      t.id(), t.title(), t.body(), t.assignee(), t.status().wire(), t.priority(), t.tenant(),
      t.createdBy(), t.idempotencyKey(), t.dedupeScope().wire(), t.dedupeSlot(),
      t.workspace().kind().wire(), t.workspace().path(), t.createdAt(), t.updatedAt(),
      t.startedAt(), t.completedAt(), t.scheduledAt(), t.maxRuntimeMs(), t.maxRetries(),
      t.consecutiveFailures(), t.protocolViolations(),
      t.blockKind() == null ? null : t.blockKind().wire(), t.blockRecurrences(), t.blockReason(),
      t.resumeStatus().wire(), t.reviewImplementer(), t.currentRunId(), t.lastFailureError(),
      t.version()
    };
  }

  static final String RUN_COLUMNS =
      """
      id, task_id, lane, assignee, claimed_by, token_hash, lease_expires_at, lease_ttl_ms,
      last_heartbeat_at, worker_host, worker_pid, worker_started_at, workspace_path, max_runtime_ms,
      started_at, ended_at, outcome, summary, metadata, error, exit_code""";

  static Run run(ResultSet rs) throws SQLException {
    String outcome = rs.getString(17);
    return new Run(
        rs.getLong(1),
        rs.getString(2),
        Status.parse(rs.getString(3)),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        nullableLong(rs, 7),
        nullableLong(rs, 8),
        nullableLong(rs, 9),
        rs.getString(10),
        nullableLong(rs, 11),
        nullableLong(rs, 12),
        rs.getString(13),
        nullableLong(rs, 14),
        rs.getLong(15),
        nullableLong(rs, 16),
        outcome == null ? null : RunOutcome.parse(outcome),
        rs.getString(18),
        rs.getString(19),
        rs.getString(20),
        nullableInt(rs, 21));
  }

  /** The column of each of {@link #runValues}, in the same order. */
  static final String[] RUN_VALUE_COLUMNS = {
    "task_id", "lane", "assignee", "claimed_by", "token_hash", "lease_expires_at", "lease_ttl_ms",
    "last_heartbeat_at", "worker_host", "worker_pid", "worker_started_at", "workspace_path", "max_runtime_ms",
    "started_at", "ended_at", "outcome", "summary", "metadata", "error", "exit_code"
  };

  /** Every run column but the id, in insert order. */
  static Object[] runValues(Run r) {
    return new Object[] {
      r.taskId(), r.lane().wire(), r.assignee(), r.claimedBy(), r.tokenHash(), r.leaseExpiresAt(),
      r.leaseTtlMs(), r.lastHeartbeatAt(), r.workerHost(), r.workerPid(), r.workerStartedAt(),
      r.workspacePath(), r.maxRuntimeMs(), r.startedAt(), r.endedAt(),
      r.outcome() == null ? null : r.outcome().wire(), r.summary(), r.metadata(), r.error(),
      r.exitCode()
    };
  }

  static final String EVENT_COLUMNS = "id, task_id, run_id, kind, actor, payload, created_at";

  static Event event(ResultSet rs) throws SQLException {
    return new Event(
        rs.getLong(1),
        rs.getString(2),
        nullableLong(rs, 3),
        EventKind.parse(rs.getString(4)),
        rs.getString(5),
        rs.getString(6),
        rs.getLong(7));
  }

  static final String COMMENT_COLUMNS = "id, task_id, author, body, created_at";

  static Comment comment(ResultSet rs) throws SQLException {
    return new Comment(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
  }

  static Link link(ResultSet rs) throws SQLException {
    return new Link(rs.getString(1), rs.getString(2), rs.getLong(3));
  }

  static final String ATTACHMENT_COLUMNS =
      "id, task_id, filename, stored_name, content_type, size, sha256, uploaded_by, created_at";

  static Attachment attachment(ResultSet rs) throws SQLException {
    return new Attachment(
        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getLong(6), rs.getString(7), rs.getString(8), rs.getLong(9));
  }

  /** A JSON array of strings for {@code json_each(?)}, so one cached statement serves any list size. */
  static String jsonArray(Iterable<String> values) {
    StringBuilder sb = new StringBuilder("[");
    for (String v : values) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      sb.append('"');
    }
    return sb.append(']').toString();
  }
}
