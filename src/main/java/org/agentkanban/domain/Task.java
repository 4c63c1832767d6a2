package org.agentkanban.domain;

/**
 * One durable unit of work. Immutable: every change builds a new value through {@link #toBuilder()}
 * and the store writes it with a compare-and-swap on {@link #version()}.
 *
 * @param resumeStatus where the task goes when it becomes dispatchable again: {@code ready}, or
 *     {@code review} for a task whose last lane was review
 * @param reviewImplementer the assignee to restore when a reviewer requests changes
 * @param protocolViolations consecutive runs that exited 0 without a terminal call
 */
public record Task(
    String id,
    String title,
    String body,
    String assignee,
    Status status,
    int priority,
    String tenant,
    String createdBy,
    String idempotencyKey,
    DedupeScope dedupeScope,
    Workspace workspace,
    long createdAt,
    long updatedAt,
    Long startedAt,
    Long completedAt,
    Long scheduledAt,
    Long maxRuntimeMs,
    Integer maxRetries,
    int consecutiveFailures,
    int protocolViolations,
    BlockKind blockKind,
    int blockRecurrences,
    String blockReason,
    Status resumeStatus,
    String reviewImplementer,
    Long currentRunId,
    String lastFailureError,
    long version) {

  public Task {
    if (id == null || title == null || status == null || workspace == null || resumeStatus == null) {
      throw new IllegalArgumentException("task id, title, status, workspace and resume status are required");
    }
    if ((status == Status.RUNNING) != (currentRunId != null)) {
      throw new IllegalArgumentException(
          "task " + id + ": running must go with exactly one current run (status " + status + ", run " + currentRunId + ")");
    }
  }

  /**
   * The value of the unique dedupe slot. An open-scoped key deduplicates only while the task is
   * open; the store clears the slot when the task is done or archived, so a recurring job can be
   * created again. A lifetime key holds its slot forever.
   */
  public String dedupeSlot() {
    if (idempotencyKey == null) {
      return null;
    }
    if (dedupeScope == DedupeScope.LIFETIME || !status.satisfiesDependency()) {
      return idempotencyKey;
    }
    return null;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder(String id, String title, long now) {
    return new Builder(id, title, now);
  }

  /** Mutable companion for building the next version of a task. */
  public static final class Builder {
    private String id;
    private String title;
    private String body = "";
    private String assignee;
    private Status status = Status.READY;
    private int priority;
    private String tenant;
    private String createdBy;
    private String idempotencyKey;
    private DedupeScope dedupeScope = DedupeScope.OPEN;
    private Workspace workspace = Workspace.SCRATCH;
    private long createdAt;
    private long updatedAt;
    private Long startedAt;
    private Long completedAt;
    private Long scheduledAt;
    private Long maxRuntimeMs;
    private Integer maxRetries;
    private int consecutiveFailures;
    private int protocolViolations;
    private BlockKind blockKind;
    private int blockRecurrences;
    private String blockReason;
    private Status resumeStatus = Status.READY;
    private String reviewImplementer;
    private Long currentRunId;
    private String lastFailureError;
    private long version;

    private Builder(String id, String title, long now) {
      this.id = id;
      this.title = title;
      this.createdAt = now;
      this.updatedAt = now;
    }

    private Builder(Task t) {
      id = t.id;
      title = t.title;
      body = t.body;
      assignee = t.assignee;
      status = t.status;
      priority = t.priority;
      tenant = t.tenant;
      createdBy = t.createdBy;
      idempotencyKey = t.idempotencyKey;
      dedupeScope = t.dedupeScope;
      workspace = t.workspace;
      createdAt = t.createdAt;
      updatedAt = t.updatedAt;
      startedAt = t.startedAt;
      completedAt = t.completedAt;
      scheduledAt = t.scheduledAt;
      maxRuntimeMs = t.maxRuntimeMs;
      maxRetries = t.maxRetries;
      consecutiveFailures = t.consecutiveFailures;
      protocolViolations = t.protocolViolations;
      blockKind = t.blockKind;
      blockRecurrences = t.blockRecurrences;
      blockReason = t.blockReason;
      resumeStatus = t.resumeStatus;
      reviewImplementer = t.reviewImplementer;
      currentRunId = t.currentRunId;
      lastFailureError = t.lastFailureError;
      version = t.version;
    }

    public Builder title(String v) { title = v; return this; }
    public Builder body(String v) { body = v; return this; }
    public Builder assignee(String v) { assignee = v; return this; }
    public Builder status(Status v) { status = v; return this; }
    public Builder priority(int v) { priority = v; return this; }
    public Builder tenant(String v) { tenant = v; return this; }
    public Builder createdBy(String v) { createdBy = v; return this; }
    public Builder idempotencyKey(String v) { idempotencyKey = v; return this; }
    public Builder dedupeScope(DedupeScope v) { dedupeScope = v; return this; }
    public Builder workspace(Workspace v) { workspace = v; return this; }
    public Builder createdAt(long v) { createdAt = v; return this; }
    public Builder updatedAt(long v) { updatedAt = v; return this; }
    public Builder startedAt(Long v) { startedAt = v; return this; }
    public Builder completedAt(Long v) { completedAt = v; return this; }
    public Builder scheduledAt(Long v) { scheduledAt = v; return this; }
    public Builder maxRuntimeMs(Long v) { maxRuntimeMs = v; return this; }
    public Builder maxRetries(Integer v) { maxRetries = v; return this; }
    public Builder consecutiveFailures(int v) { consecutiveFailures = v; return this; }
    public Builder protocolViolations(int v) { protocolViolations = v; return this; }
    public Builder blockKind(BlockKind v) { blockKind = v; return this; }
    public Builder blockRecurrences(int v) { blockRecurrences = v; return this; }
    public Builder blockReason(String v) { blockReason = v; return this; }
    public Builder resumeStatus(Status v) { resumeStatus = v; return this; }
    public Builder reviewImplementer(String v) { reviewImplementer = v; return this; }
    public Builder currentRunId(Long v) { currentRunId = v; return this; }
    public Builder lastFailureError(String v) { lastFailureError = v; return this; }
    public Builder version(long v) { version = v; return this; }

    public Task build() {
      return new Task(
          id, title, body, assignee, status, priority, tenant, createdBy, idempotencyKey,
          dedupeScope, workspace, createdAt, updatedAt, startedAt, completedAt, scheduledAt,
          maxRuntimeMs, maxRetries, consecutiveFailures, protocolViolations, blockKind,
          blockRecurrences, blockReason, resumeStatus, reviewImplementer, currentRunId,
          lastFailureError, version);
    }
  }
}
