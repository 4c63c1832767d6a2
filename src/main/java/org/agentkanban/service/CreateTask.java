package org.agentkanban.service;

import java.util.List;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.Workspace;

/**
 * A request to create a task. Nullable fields take the board's defaults.
 *
 * @param scheduledAt start time (epoch ms); a time ahead lands the task in {@code scheduled}
 */
public record CreateTask(
    String title,
    String body,
    String assignee,
    List<String> parents,
    Integer priority,
    String tenant,
    String idempotencyKey,
    DedupeScope dedupeScope,
    boolean triage,
    Long scheduledAt,
    Long maxRuntimeMs,
    Integer maxRetries,
    Workspace workspace,
    Actor actor) {

  public CreateTask {
    parents = parents == null ? List.of() : List.copyOf(parents);
  }

  public static CreateTask titled(String title, Actor actor) {
    return new CreateTask(title, null, null, List.of(), null, null, null, null, false, null, null, null, null, actor);
  }

  public CreateTask withParents(List<String> ids) {
    return new CreateTask(title, body, assignee, ids, priority, tenant, idempotencyKey, dedupeScope, triage,
        scheduledAt, maxRuntimeMs, maxRetries, workspace, actor);
  }

  public CreateTask withAssignee(String a) {
    return new CreateTask(title, body, a, parents, priority, tenant, idempotencyKey, dedupeScope, triage,
        scheduledAt, maxRuntimeMs, maxRetries, workspace, actor);
  }

  public CreateTask withIdempotencyKey(String key, DedupeScope scope) {
    return new CreateTask(title, body, assignee, parents, priority, tenant, key, scope, triage,
        scheduledAt, maxRuntimeMs, maxRetries, workspace, actor);
  }
}
