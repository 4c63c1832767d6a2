package org.agentkanban.domain;

/**
 * One line of the append-only audit log. The id is monotonic and never reused, so it is the cursor
 * for {@code events --after}, the dashboard stream and notifications.
 *
 * @param taskId null for board-level events (a deleted task, a restored backup)
 * @param payload a JSON object, or null
 */
public record Event(long id, String taskId, Long runId, EventKind kind, String actor, String payload, long createdAt) {}
