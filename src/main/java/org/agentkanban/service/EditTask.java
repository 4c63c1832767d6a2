package org.agentkanban.service;

import org.agentkanban.domain.Workspace;

/**
 * Changes to a task's fields; null leaves a field as it is. {@code clearMaxRuntime} removes the
 * runtime limit.
 */
public record EditTask(
    String taskId,
    String title,
    String body,
    Integer priority,
    String tenant,
    Long maxRuntimeMs,
    boolean clearMaxRuntime,
    Integer maxRetries,
    Workspace workspace,
    Actor actor) {

  public boolean isEmpty() {
    return title == null && body == null && priority == null && tenant == null && maxRuntimeMs == null
        && !clearMaxRuntime && maxRetries == null && workspace == null;
  }
}
