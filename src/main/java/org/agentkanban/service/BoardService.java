package org.agentkanban.service;

import java.nio.file.Path;
import java.util.List;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.store.TaskQuery;

/**
 * Every verb on one board: the single contract behind the CLI, the HTTP API, the MCP tools and the
 * dispatcher. Each write verb is one transaction holding the change and its event. Refusals come
 * back as {@link org.agentkanban.domain.KanbanException}s with a reason.
 */
public interface BoardService extends AutoCloseable {

  /** The board's slug. */
  String board();

  // ---- reading ---------------------------------------------------------------------------

  List<TaskView> list(TaskQuery query);

  TaskDetail show(String taskId, int eventLimit);

  /** The worker context document for a task (spec §5.5). */
  String context(String taskId);

  List<Run> runs(String taskId);

  List<Event> events(long afterId, String taskId, int limit);

  List<Attachment> attachments(String taskId);

  BoardStats stats();

  // ---- creating and editing --------------------------------------------------------------

  CreateResult create(CreateTask request);

  TaskView edit(EditTask request);

  /** Sets or clears ({@code null}) the assignee. A running task needs {@code reclaim}. */
  TaskView assign(String taskId, String assignee, boolean reclaim, Actor actor);

  TaskView link(String parentId, String childId, Actor actor);

  TaskView unlink(String parentId, String childId, Actor actor);

  Comment comment(String taskId, String body, Actor actor);

  Attachment attach(String taskId, Path file, String name, String contentType, Actor actor);

  void attachRemove(long attachmentId, Actor actor);

  // ---- lifecycle -------------------------------------------------------------------------

  Claim claim(String taskId, long leaseTtlMs, Actor actor);

  TaskView heartbeat(String taskId, String note, Actor actor);

  TaskView complete(String taskId, String summary, String metadataJson, boolean force, Actor actor);

  TaskView block(String taskId, String reason, BlockKind kind, Actor actor);

  TaskView unblock(String taskId, String reason, Actor actor);

  TaskView promote(String taskId, String reason, Actor actor);

  TaskView schedule(String taskId, long at, String reason, Actor actor);

  TaskView requestReview(String taskId, String summary, String metadataJson, String reviewer, Actor actor);

  TaskView requestChanges(String taskId, String reason, Actor actor);

  TaskView reopenReview(String taskId, String reason, Actor actor);

  TaskView reclaim(String taskId, String reason, Actor actor);

  TaskView archive(String taskId, String reason, Actor actor);

  /** Deletes an archived task with its runs, comments, events and files. */
  void delete(String taskId, Actor actor);

  /**
   * Ends a run the way the dispatcher observed it (crash, timeout, protocol violation, rate limit,
   * spawn failure), applying the circuit breaker.
   */
  TaskView endRun(String taskId, long runId, RunEnd end, Actor actor);

  // ---- maintenance -----------------------------------------------------------------------

  /** Wakes due scheduled tasks and releases expired leases that no worker process holds. */
  TickResult tick();

  GcResult gc(long eventRetentionMs, long logRetentionMs);

  @Override
  void close();
}
