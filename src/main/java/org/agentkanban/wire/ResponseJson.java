package org.agentkanban.wire;

import java.util.List;
import java.util.Map;

/**
 * The documents the API answers with and {@code kanban --json} prints: one record per shape, so the
 * CLI's output is the same whether it ran against a local board or through a gateway. Field order
 * is the order printed.
 */
public final class ResponseJson {
  private ResponseJson() {}

  /** {@code list}. */
  public record TaskList(String board, int count, List<TaskJson> tasks) {}

  /** {@code create}: {@code created} is false when the idempotency key matched an existing task. */
  public record Created(boolean created, TaskJson task) {}

  /** {@code show}. */
  public record Detail(TaskJson task, List<Related> parents, List<Related> children, List<CommentJson> comments,
      List<RunJson> runs, List<EventJson> events, List<AttachmentJson> attachments) {}

  /** A linked task in {@link Detail}. */
  public record Related(String id, String title, String status) {}

  /** {@code show --context}. */
  public record Context(String taskId, String context) {}

  /** {@code claim}: the run token is shown once, to the claimer. */
  public record Claimed(TaskJson task, RunJson run, String runToken) {}

  /** {@code runs}. */
  public record Runs(String taskId, List<RunJson> runs) {}

  /** {@code events}: {@code next_after} is the cursor for the next call. */
  public record Events(List<EventJson> events, long nextAfter) {}

  /** {@code attachments}. */
  public record Attachments(String taskId, List<AttachmentJson> attachments) {}

  /** {@code stats}; every map is keyed by the wire name. */
  public record Stats(String board, Map<String, Integer> byStatus, Map<String, Integer> byAssignee,
      Map<String, Integer> runsByOutcome, Long oldestReadyAgeMs, int events, long now) {}

  /** {@code tick}. */
  public record Tick(List<String> woken, List<String> released) {}

  /** {@code gc}. */
  public record Gc(int eventsDeleted, int logFilesDeleted, long logBytesDeleted) {}

  /** A board in {@code boards list/show/create/rename}. */
  public record Board(String slug, String name, String description, String path, boolean current, boolean archived,
      Map<String, Integer> counts) {}

  /** {@code boards list}. */
  public record Boards(List<Board> boards) {}

  /** {@code boards rm}. */
  public record BoardRemoved(String slug, boolean deleted, String archivedTo) {}

  /** {@code DELETE /tasks/{id}} (an archived task deleted for good). */
  public record TaskDeleted(String id, boolean deleted) {}

  /** {@code DELETE /attachments/{id}}. */
  public record AttachmentRemoved(long id, boolean removed) {}

  /** {@code POST /boards/{board}/backups}: a verified backup just taken. */
  public record BackupTaken(String board, String file, long bytes, long tookMs, long lastEventId, long createdAt,
      boolean verified) {}

  /** One verified backup in a list. */
  public record BackupListed(String file, long createdAt, long bytes, long lastEventId) {}

  /** {@code GET /boards/{board}/backups}. */
  public record BackupList(String board, java.util.List<BackupListed> backups) {}

  /** {@code POST /boards/{board}/restore}. */
  public record BoardRestored(String board, String backup, long backupCreatedAt, long lastEventIdKept,
      String quarantinedTo) {}
}
