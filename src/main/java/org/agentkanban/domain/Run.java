package org.agentkanban.domain;

/**
 * One attempt at a task. Opened by a claim, closed exactly once with an outcome.
 *
 * @param lane the status the task was claimed from: {@code ready} or {@code review}
 * @param claimedBy who holds the lease: a gateway ({@code gateway@host}) or a person's manual lane
 * @param tokenHash SHA-256 of the run token that authorizes this run's writes (fencing)
 * @param leaseTtlMs how far each heartbeat pushes {@code leaseExpiresAt}
 */
public record Run(
    long id,
    String taskId,
    Status lane,
    String assignee,
    String claimedBy,
    String tokenHash,
    Long leaseExpiresAt,
    Long leaseTtlMs,
    Long lastHeartbeatAt,
    String workerHost,
    Long workerPid,
    Long workerStartedAt,
    String workspacePath,
    Long maxRuntimeMs,
    long startedAt,
    Long endedAt,
    RunOutcome outcome,
    String summary,
    String metadata,
    String error,
    Integer exitCode) {

  public Run {
    if ((endedAt == null) != (outcome == null)) {
      throw new IllegalArgumentException("run " + id + ": ended_at and outcome are set together");
    }
  }

  public boolean isOpen() {
    return endedAt == null;
  }

  /** A run as opened by a claim: lease and heartbeat seeded in the same transaction. */
  public static Run opened(
      String taskId, Status lane, String assignee, String claimedBy, String tokenHash,
      long leaseTtlMs, Long maxRuntimeMs, long now) {
    return new Run(
        0, taskId, lane, assignee, claimedBy, tokenHash, now + leaseTtlMs, leaseTtlMs, now,
        null, null, null, null, maxRuntimeMs, now, null, null, null, null, null, null);
  }

  /**
   * A zero-length run that records a hand-off (a summary given when completing a task nobody
   * claimed), so the summary lives where every other summary lives.
   */
  public static Run synthetic(String taskId, String assignee, String actor, RunEnd end, long now) {
    return new Run(
        0, taskId, Status.READY, assignee, actor, null, null, null, null, null, null, null, null,
        null, now, now, end.outcome(), end.summary(), end.metadata(), end.error(), end.exitCode());
  }

  public Run closed(RunEnd end, long now) {
    return new Run(
        id, taskId, lane, assignee, claimedBy, tokenHash, null, leaseTtlMs, lastHeartbeatAt,
        workerHost, workerPid, workerStartedAt, workspacePath, maxRuntimeMs, startedAt, now,
        end.outcome(), end.summary(), end.metadata(), end.error(), end.exitCode());
  }

  public Run heartbeat(long now) {
    long ttl = leaseTtlMs == null ? 0 : leaseTtlMs;
    return new Run(
        id, taskId, lane, assignee, claimedBy, tokenHash, now + ttl, leaseTtlMs, now, workerHost,
        workerPid, workerStartedAt, workspacePath, maxRuntimeMs, startedAt, endedAt, outcome,
        summary, metadata, error, exitCode);
  }

  public Run withWorker(String host, long pid, long processStartedAt, String workspace) {
    return new Run(
        id, taskId, lane, assignee, claimedBy, tokenHash, leaseExpiresAt, leaseTtlMs,
        lastHeartbeatAt, host, pid, processStartedAt, workspace, maxRuntimeMs, startedAt, endedAt,
        outcome, summary, metadata, error, exitCode);
  }

  public Run withLeaseExpiresAt(long expiresAt) {
    return new Run(
        id, taskId, lane, assignee, claimedBy, tokenHash, expiresAt, leaseTtlMs, lastHeartbeatAt,
        workerHost, workerPid, workerStartedAt, workspacePath, maxRuntimeMs, startedAt, endedAt,
        outcome, summary, metadata, error, exitCode);
  }

  public Run withId(long newId) {
    return new Run(
        newId, taskId, lane, assignee, claimedBy, tokenHash, leaseExpiresAt, leaseTtlMs,
        lastHeartbeatAt, workerHost, workerPid, workerStartedAt, workspacePath, maxRuntimeMs,
        startedAt, endedAt, outcome, summary, metadata, error, exitCode);
  }
}
