package org.agentkanban.service;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.store.TaskSort;

/** {@link DispatchOperations} over a {@link LocalBoardService}: each verb one transaction, guarded by its run. */
final class Dispatching implements DispatchOperations {
  static final String GATEWAY = "gateway";
  private static final int MAX_OPEN_RUNS = 100_000;

  private final LocalBoardService board;

  Dispatching(LocalBoardService board) {
    this.board = board;
  }

  private static Actor gateway() {
    return Actor.person(GATEWAY);
  }

  @Override
  public List<Task> dispatchable(int limit) {
    return board.store().read(tx -> tx.taskList(
        new TaskQuery(EnumSet.of(Status.READY, Status.REVIEW), null, null, false, limit, TaskSort.PRIORITY)));
  }

  @Override
  public Long nextScheduledAt() {
    return board.store().read(tx -> tx.taskListDueScheduled(Long.MAX_VALUE, 1).stream()
        .map(Task::scheduledAt).findFirst().orElse(null));
  }

  @Override
  public List<OpenRun> openRuns() {
    return board.store().read(tx -> {
      List<OpenRun> out = new ArrayList<>();
      for (Task t : tx.taskList(TaskQuery.byStatus(Status.RUNNING, MAX_OPEN_RUNS))) {
        tx.runGet(t.currentRunId()).ifPresent(r -> out.add(new OpenRun(t, r)));
      }
      return out;
    });
  }

  /** Loads the task and its open run, or a CONFLICT when {@code runId} is no longer current. */
  private static Run currentRun(Change c, Task t, long runId) {
    if (t.currentRunId() == null || t.currentRunId() != runId) {
      throw KanbanException.conflict("run " + runId + " is no longer the current run of " + t.id());
    }
    return c.openRun(t);
  }

  @Override
  public Run recordWorker(String taskId, long runId, String hostId, long pid, long processStartedAt, String workspacePath) {
    return board.write(gateway(), c -> {
      Task t = c.load(taskId);
      Run run = currentRun(c, t, runId).withWorker(hostId, pid, processStartedAt, workspacePath);
      c.tx.runUpdateIfOpen(run);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("pid", pid);
      p.put("workspace", workspacePath);
      p.put("assignee", run.assignee());
      c.event(t, runId, EventKind.SPAWNED, p);
      return run;
    });
  }

  @Override
  public void renewLease(String taskId, long runId, long leaseTtlMs) {
    board.write(gateway(), c -> {
      Task t = c.load(taskId);
      c.tx.runUpdateIfOpen(currentRun(c, t, runId).withLeaseExpiresAt(c.now + leaseTtlMs));
      return null;
    });
  }

  @Override
  public Task endRun(String taskId, long runId, RunEnd end, Long retryAt) {
    return board.write(gateway(), c -> board.lifecycle.endRun(c, taskId, runId, end, retryAt));
  }

  @Override
  public Task endRun(String taskId, long runId, RunEnd end, Long retryAt, int defaultMaxRetries) {
    return board.write(gateway(), c -> board.lifecycle.endRun(c, taskId, runId, end, retryAt, defaultMaxRetries));
  }

  @Override
  public Task releaseRun(String taskId, long runId, String reason) {
    return board.write(gateway(), c -> {
      Task t = c.load(taskId);
      return board.lifecycle.release(c, t, currentRun(c, t, runId), reason);
    });
  }

  @Override
  public Task completeRun(String taskId, long runId, String summary) {
    return board.write(Actor.forRun(GATEWAY, runId, null),
        c -> board.lifecycle.complete(c, taskId, summary, null, false));
  }

  @Override
  public Task blockRun(String taskId, long runId, String reason) {
    return board.write(Actor.forRun(GATEWAY, runId, null),
        c -> board.lifecycle.block(c, taskId, reason, BlockKind.CAPABILITY));
  }

  @Override
  public void note(String taskId, Long runId, EventKind kind, Map<String, ?> payload) {
    board.write(gateway(), c -> {
      c.event(c.load(taskId), runId, kind, payload);
      return null;
    });
  }
}
