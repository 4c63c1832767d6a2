package org.agentkanban.wire;

import java.util.List;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.Workspace;

/** A task on the wire. Field names are the stable JSON contract (snake_case via {@link Json}). */
public record TaskJson(
    String id,
    String title,
    String body,
    String assignee,
    String status,
    int priority,
    String tenant,
    String createdBy,
    String idempotencyKey,
    String dedupeScope,
    String workspace,
    String workspaceKind,
    String workspacePath,
    long createdAt,
    long updatedAt,
    Long startedAt,
    Long completedAt,
    Long scheduledAt,
    Long maxRuntimeMs,
    Integer maxRetries,
    int consecutiveFailures,
    int protocolViolations,
    String blockKind,
    int blockRecurrences,
    String blockReason,
    String resumeStatus,
    String reviewImplementer,
    Long currentRunId,
    String lastFailureError,
    long version,
    List<String> parents,
    List<String> children) {

  public static TaskJson of(Task t, List<String> parents, List<String> children) {
    return new TaskJson(
        t.id(), t.title(), t.body(), t.assignee(), t.status().wire(), t.priority(), t.tenant(), t.createdBy(),
        t.idempotencyKey(), t.dedupeScope().wire(), t.workspace().spec(), t.workspace().kind().wire(),
        t.workspace().path(), t.createdAt(), t.updatedAt(), t.startedAt(), t.completedAt(), t.scheduledAt(),
        t.maxRuntimeMs(), t.maxRetries(), t.consecutiveFailures(), t.protocolViolations(),
        t.blockKind() == null ? null : t.blockKind().wire(), t.blockRecurrences(), t.blockReason(),
        t.resumeStatus().wire(), t.reviewImplementer(), t.currentRunId(), t.lastFailureError(), t.version(),
        parents, children);
  }

  public Task toTask() {
    return new Task(
        id, title, body, assignee, Status.parse(status), priority, tenant, createdBy, idempotencyKey,
        DedupeScope.parse(dedupeScope), new Workspace(Workspace.Kind.parse(workspaceKind), workspacePath),
        createdAt, updatedAt, startedAt, completedAt, scheduledAt, maxRuntimeMs, maxRetries, consecutiveFailures,
        protocolViolations, BlockKind.parse(blockKind), blockRecurrences, blockReason, Status.parse(resumeStatus),
        reviewImplementer, currentRunId, lastFailureError, version);
  }
}
