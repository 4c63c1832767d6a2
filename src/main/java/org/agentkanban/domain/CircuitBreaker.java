package org.agentkanban.domain;

/**
 * Stops a task that keeps failing from burning workers forever. Three independent budgets:
 *
 * <ul>
 *   <li>crashes, timeouts and spawn failures: {@code consecutive_failures}; the task is blocked
 *       once it exceeds the task's {@code max_retries} (default {@value #DEFAULT_MAX_RETRIES}, so
 *       three attempts in all);
 *   <li>protocol violations (exit 0 without a terminal call): a streak; blocked at
 *       {@value #PROTOCOL_VIOLATION_LIMIT} in a row, or the task's {@code max_retries} + 1 if lower;
 *   <li>rate limits (exit 75): not failures, but at most {@value #RATE_LIMIT_MAX_REQUEUES} requeues
 *       in {@value #RATE_LIMIT_WINDOW_MS} ms, then blocked with the reason (#114511).
 * </ul>
 *
 * Only success (complete), an explicit unblock, an operator reclaim or a reassignment to a different
 * assignee resets the counters; automatic promotion never does (#35072).
 */
public final class CircuitBreaker {
  public static final int DEFAULT_MAX_RETRIES = 2;
  public static final int PROTOCOL_VIOLATION_LIMIT = 3;
  public static final int RATE_LIMIT_MAX_REQUEUES = 20;
  public static final long RATE_LIMIT_WINDOW_MS = 6 * 3_600_000L;

  private CircuitBreaker() {}

  public static int effectiveMaxRetries(Task task, int boardDefault) {
    return task.maxRetries() != null ? task.maxRetries() : boardDefault;
  }

  /** After counting one more failure, does the task give up? */
  public static boolean tripsAfterFailure(int failuresIncludingThis, int maxRetries) {
    return failuresIncludingThis > maxRetries;
  }

  public static boolean tripsAfterProtocolViolation(int streakIncludingThis, Integer taskMaxRetries) {
    int limit = PROTOCOL_VIOLATION_LIMIT;
    if (taskMaxRetries != null) {
      limit = Math.min(limit, taskMaxRetries + 1);
    }
    return streakIncludingThis >= limit;
  }

  public static boolean tripsAfterRateLimit(int requeuesInWindowIncludingThis) {
    return requeuesInWindowIncludingThis > RATE_LIMIT_MAX_REQUEUES;
  }

  /** The counters as they are after a success, an unblock or an operator's reset. */
  public static Task.Builder reset(Task.Builder b) {
    return b.consecutiveFailures(0).protocolViolations(0).lastFailureError(null);
  }
}
