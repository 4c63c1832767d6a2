package org.agentkanban.service;

import java.util.List;
import org.agentkanban.domain.Task;

/** A task with the ids of its parents and children: what list and every write verb return. */
public record TaskView(Task task, List<String> parents, List<String> children) {
  public TaskView {
    parents = List.copyOf(parents);
    children = List.copyOf(children);
  }

  public String id() {
    return task.id();
  }
}
