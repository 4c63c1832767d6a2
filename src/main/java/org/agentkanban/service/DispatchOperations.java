package org.agentkanban.service;

import java.util.List;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.Task;

/**
 * The verbs only a dispatcher uses, beside {@link BoardService}: claiming for a worker, recording
 * the worker it started, renewing leases while the worker lives, and ending runs the way it saw
 * them end. Each is one transaction; each is guarded by the run it names, so a dispatcher that lost
 * track (a restart, an operator action) can never change someone else's run.
 */
public interface DispatchOperations {

  /** Tasks a dispatcher may claim now: ready, and review when a reviewer is configured, in dispatch order. */
  List<Task> dispatchable(int limit);

  /** When the earliest scheduled task becomes due (epoch ms), or null when none is scheduled. */
  Long nextScheduledAt();

  /** Every open run of the board with its task. */
  List<OpenRun> openRuns();

  /** A run that is open, and the task it belongs to. */
  record OpenRun(Task task, Run run) {}

  /**
   * Records the process that works on a run (and the workspace it was given); event {@code spawned}.
   *
   * @throws org.agentkanban.domain.KanbanException CONFLICT if the run was closed meanwhile: the
   *     caller must stop the process it just started
   */
  Run recordWorker(String taskId, long runId, String hostId, long pid, long processStartedAt, String workspacePath);

  /** Pushes a run's lease to {@code now + ttl} while its worker is alive (no event: bookkeeping). */
  void renewLease(String taskId, long runId, long leaseTtlMs);

  /**
   * Ends a failed run (crash, timeout, spawn failure, protocol violation, rate limit) through the
   * circuit breaker; a rate limit or an infrastructure failure parks the task in {@code scheduled}
   * until {@code retryAt}.
   */
  Task endRun(String taskId, long runId, RunEnd end, Long retryAt);

  /**
   * As {@link #endRun(String, long, RunEnd, Long)}, counting against {@code defaultMaxRetries} for
   * tasks that set no {@code max_retries} of their own (config.yaml {@code defaults.max_retries}).
   */
  Task endRun(String taskId, long runId, RunEnd end, Long retryAt, int defaultMaxRetries);

  /** Releases a run without blame (its worker is gone and it ended no other way); event {@code reclaimed}. */
  Task releaseRun(String taskId, long runId, String reason);

  /** Completes a task for its run (a {@code complete_on_exit} worker that exited 0). */
  Task completeRun(String taskId, long runId, String summary);

  /** Blocks a task for its run (a worker that exited 78: its configuration is wrong). */
  Task blockRun(String taskId, long runId, String reason);

  /** Writes one event that explains dispatcher behaviour (why a ready task is not started, a deferral). */
  void note(String taskId, Long runId, org.agentkanban.domain.EventKind kind, java.util.Map<String, ?> payload);
}
