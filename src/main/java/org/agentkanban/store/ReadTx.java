package org.agentkanban.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.Link;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;

/** Reads inside one snapshot. Methods are entity-first and alphabetical. */
public interface ReadTx {

  Optional<Attachment> attachmentGet(long id);

  List<Attachment> attachmentList(String taskId);

  /** The newest {@code limit} comments, oldest first. */
  List<Comment> commentList(String taskId, int limit);

  int commentCount(String taskId);

  List<Event> eventList(EventQuery query);

  long eventMaxId();

  int eventCount();

  /** Links whose parent is {@code parentId}. */
  List<Link> linkChildren(String parentId);

  /** Links whose child is {@code childId}. */
  List<Link> linkParents(String childId);

  /** Every link touching any of the ids, as parent or child. */
  List<Link> linkListTouching(Collection<String> taskIds);

  /** Whether {@code toId} is reachable from {@code fromId} following parent → child links. */
  boolean linkPathExists(String fromId, String toId);

  Optional<String> metaGet(String key);

  Map<RunOutcome, Integer> runCountByOutcome();

  /** Runs of a task that ended with {@code outcome} at or after {@code sinceMs}. */
  int runCountSince(String taskId, RunOutcome outcome, long sinceMs);

  Optional<Run> runGet(long runId);

  /** Runs of a task, oldest first. */
  List<Run> runList(String taskId);

  /** Open runs whose lease ended before {@code now}. */
  List<Run> runListLeaseExpired(long now, int limit);

  /** The assignee's latest completed runs on other tasks, newest first. */
  List<Run> runListRecentCompleted(String assignee, String excludeTaskId, int limit);

  Map<String, Integer> taskCountByAssignee();

  Map<Status, Integer> taskCountByStatus();

  Optional<Task> taskGet(String id);

  List<Task> taskList(TaskQuery query);

  /** Scheduled tasks whose start time is at or before {@code now}, earliest first. */
  List<Task> taskListDueScheduled(long now, int limit);

  /** The earliest {@code updated_at} among ready tasks: how long the oldest has waited. */
  Optional<Long> taskOldestReadySince();

  Map<String, Status> taskStatuses(Collection<String> ids);
}
