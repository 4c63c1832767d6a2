package org.agentkanban.gateway;

/**
 * A worker process this gateway watches, from its start (or adoption after a restart) until its
 * exit has been recorded. Mutable flags are written by the supervisor and read by the board's
 * dispatcher thread.
 */
final class WatchedWorker {
  enum StopReason {
    /** Ran past its max runtime. */
    TIMEOUT,
    /** Its run was ended by someone else (an operator, or the worker itself and it lingered). */
    RUN_CLOSED,
    /** The gateway is stopping with --stop-workers. */
    SHUTDOWN
  }

  final String board;
  final String taskId;
  final long runId;
  final String assignee;
  final WorkerIdentity identity;
  /** Null for a worker adopted after a gateway restart: it is not our child. */
  final Process process;
  final boolean completeOnExit;
  final long startedAt;
  final Long maxRuntimeMs;

  volatile StopReason stopReason;
  volatile boolean stopping;
  /** It survived SIGKILL: its run stays open (no second worker) until it finally goes. */
  volatile boolean unkillable;
  /** When the dispatcher first saw this worker's run closed while the process still ran. */
  volatile Long runClosedSeenAt;
  volatile boolean deferralNoted;
  /** Its exit was handed to the dispatcher (at most once). */
  volatile boolean exitSeen;

  WatchedWorker(String board, String taskId, long runId, String assignee, WorkerIdentity identity, Process process,
      boolean completeOnExit, long startedAt, Long maxRuntimeMs) {
    this.board = board;
    this.taskId = taskId;
    this.runId = runId;
    this.assignee = assignee;
    this.identity = identity;
    this.process = process;
    this.completeOnExit = completeOnExit;
    this.startedAt = startedAt;
    this.maxRuntimeMs = maxRuntimeMs;
  }

  String key() {
    return key(board, runId);
  }

  static String key(String board, long runId) {
    return board + "/" + runId;
  }

  Long deadline() {
    return maxRuntimeMs == null ? null : startedAt + maxRuntimeMs;
  }
}
