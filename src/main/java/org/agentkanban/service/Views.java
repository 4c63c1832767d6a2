package org.agentkanban.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.agentkanban.domain.Link;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.store.EventQuery;
import org.agentkanban.store.ReadTx;

/** Read models built from one snapshot. */
final class Views {
  /** Comments shown by {@code show}; the full thread is in the context document. */
  static final int SHOW_COMMENTS = 100;

  private Views() {}

  static TaskView view(ReadTx tx, Task t) {
    return new TaskView(t,
        tx.linkParents(t.id()).stream().map(Link::parentId).toList(),
        tx.linkChildren(t.id()).stream().map(Link::childId).toList());
  }

  /** Views of many tasks with two link queries in all, not two per task. */
  static List<TaskView> views(ReadTx tx, List<Task> tasks) {
    if (tasks.isEmpty()) {
      return List.of();
    }
    Map<String, List<String>> parents = new HashMap<>();
    Map<String, List<String>> children = new HashMap<>();
    for (Link l : tx.linkListTouching(tasks.stream().map(Task::id).toList())) {
      parents.computeIfAbsent(l.childId(), k -> new ArrayList<>()).add(l.parentId());
      children.computeIfAbsent(l.parentId(), k -> new ArrayList<>()).add(l.childId());
    }
    return tasks.stream()
        .map(t -> new TaskView(t, parents.getOrDefault(t.id(), List.of()), children.getOrDefault(t.id(), List.of())))
        .toList();
  }

  static TaskDetail detail(ReadTx tx, Task t, int eventLimit) {
    TaskView view = view(tx, t);
    return new TaskDetail(
        view,
        related(tx, view.parents()),
        related(tx, view.children()),
        tx.commentList(t.id(), SHOW_COMMENTS),
        tx.runList(t.id()),
        tx.eventList(EventQuery.latestOfTask(t.id(), eventLimit)),
        tx.attachmentList(t.id()));
  }

  private static List<TaskDetail.Related> related(ReadTx tx, List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, Task> byId = ids.stream()
        .map(id -> tx.taskGet(id).orElse(null))
        .filter(java.util.Objects::nonNull)
        .collect(Collectors.toMap(Task::id, x -> x));
    return ids.stream()
        .filter(byId::containsKey)
        .map(id -> new TaskDetail.Related(id, byId.get(id).title(), byId.get(id).status()))
        .toList();
  }

  static boolean isFinished(Status s) {
    return s.satisfiesDependency();
  }
}
