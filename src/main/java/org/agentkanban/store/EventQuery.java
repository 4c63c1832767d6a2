package org.agentkanban.store;

/**
 * Events after a cursor, optionally of one task.
 *
 * @param newestFirst return the newest {@code limit} events (still ordered newest first)
 */
public record EventQuery(long afterId, String taskId, int limit, boolean newestFirst) {

  public static EventQuery after(long afterId, int limit) {
    return new EventQuery(afterId, null, limit, false);
  }

  public static EventQuery latestOfTask(String taskId, int limit) {
    return new EventQuery(0, taskId, limit, true);
  }
}
