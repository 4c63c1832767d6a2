package org.agentkanban.wire;

import com.fasterxml.jackson.databind.JsonNode;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;

/** A run on the wire. The token hash never leaves the board. */
public record RunJson(
    long id,
    String taskId,
    String lane,
    String assignee,
    String claimedBy,
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
    String outcome,
    String summary,
    JsonNode metadata,
    String error,
    Integer exitCode) {

  public static RunJson of(Run r) {
    return new RunJson(
        r.id(), r.taskId(), r.lane().wire(), r.assignee(), r.claimedBy(), r.leaseExpiresAt(), r.leaseTtlMs(),
        r.lastHeartbeatAt(), r.workerHost(), r.workerPid(), r.workerStartedAt(), r.workspacePath(),
        r.maxRuntimeMs(), r.startedAt(), r.endedAt(), r.outcome() == null ? null : r.outcome().wire(),
        r.summary(), Json.tree(r.metadata()), r.error(), r.exitCode());
  }

  public Run toRun() {
    return new Run(
        id, taskId, Status.parse(lane), assignee, claimedBy, null, leaseExpiresAt, leaseTtlMs, lastHeartbeatAt,
        workerHost, workerPid, workerStartedAt, workspacePath, maxRuntimeMs, startedAt, endedAt,
        outcome == null ? null : RunOutcome.parse(outcome), summary,
        metadata == null || metadata.isNull() ? null : Json.write(metadata), error, exitCode);
  }
}
