package org.agentkanban.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Request bodies of the HTTP API, one record per verb: what {@code api} parses and
 * {@code remote} sends. Absent fields are null and take the verb's defaults; unknown fields are
 * refused (see {@link Json}). Times are epoch milliseconds; {@code metadata} is a JSON object.
 */
public final class RequestJson {
  private RequestJson() {}

  /** {@code POST /tasks}. {@code workspace} is a spec: scratch, dir:/abs, worktree[:/abs]. */
  public record CreateTask(String title, String body, String assignee, List<String> parents, Integer priority,
      String tenant, String idempotencyKey, String dedupeScope, Boolean triage, Long scheduledAt, Long maxRuntimeMs,
      Integer maxRetries, String workspace) {}

  /** {@code PATCH /tasks/{id}}: null leaves a field as it is. */
  public record EditTask(String title, String body, Integer priority, String tenant, Long maxRuntimeMs,
      Boolean clearMaxRuntime, Integer maxRetries, String workspace) {}

  /** {@code POST /tasks/{id}/assign}: a null assignee unassigns. */
  public record Assign(String assignee, Boolean reclaim) {}

  /** {@code POST /links}. */
  public record Link(String parent, String child) {}

  /** {@code POST /tasks/{id}/comments}. */
  public record Comment(String body) {}

  /** {@code POST /tasks/{id}/claim}. */
  public record Claim(Long leaseTtlMs) {}

  /** {@code POST /tasks/{id}/heartbeat}. */
  public record Heartbeat(String note) {}

  /** {@code POST /tasks/{id}/complete}. */
  public record Complete(String summary, JsonNode metadata, Boolean force) {}

  /** {@code POST /tasks/{id}/block}. */
  public record Block(String reason, String kind) {}

  /** The verbs that take only a reason: unblock, promote, request-changes, reopen-review, reclaim, archive. */
  public record Reason(String reason) {}

  /** {@code POST /tasks/{id}/schedule}. */
  public record Schedule(Long at, String reason) {}

  /** {@code POST /tasks/{id}/request-review}. */
  public record RequestReview(String summary, JsonNode metadata, String reviewer) {}

  /** {@code POST /gc}: retention in milliseconds (default 30 days each). */
  public record Gc(Long eventRetentionMs, Long logRetentionMs) {}

  /** {@code POST /boards}. */
  public record CreateBoard(String slug, String name, String description) {}

  /** {@code PATCH /boards/{board}}. */
  public record RenameBoard(String name) {}

  /** {@code POST /boards/{board}/restore}: which backup ({@code latest} when absent). */
  public record Restore(String backup) {}
}
