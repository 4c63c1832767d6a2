package org.agentkanban.store;

import java.util.Set;
import org.agentkanban.domain.Status;

/**
 * Filters for listing tasks. An empty {@code statuses} means every status except archived, unless
 * {@code includeArchived}.
 */
public record TaskQuery(
    Set<Status> statuses, String assignee, String tenant, boolean includeArchived, int limit, TaskSort sort) {

  public static final int DEFAULT_LIMIT = 100;

  public TaskQuery {
    statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    sort = sort == null ? TaskSort.PRIORITY : sort;
  }

  public static TaskQuery all() {
    return new TaskQuery(Set.of(), null, null, false, DEFAULT_LIMIT, TaskSort.PRIORITY);
  }

  public static TaskQuery byStatus(Status status, int limit) {
    return new TaskQuery(Set.of(status), null, null, status == Status.ARCHIVED, limit, TaskSort.PRIORITY);
  }
}
