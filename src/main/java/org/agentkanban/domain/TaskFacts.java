package org.agentkanban.domain;

import java.util.List;

/**
 * What the state machine needs to know about a task to decide a transition, gathered by the caller
 * inside the transaction. Pure data, so every rule is testable without a database.
 *
 * @param pendingParents unfinished parents, as {@code "t_x (running)"}, for refusal messages
 * @param resumeReview the task goes back to review rather than ready when it resumes
 * @param reviewLane the open run was claimed from review
 * @param blockKind the kind of an incoming block
 * @param blockLoop this block repeats the previous block's kind often enough to go to triage
 * @param breakerTripped the failure being recorded exhausts the task's retries
 * @param triageRequested a new task asked to start in triage
 * @param scheduledInFuture a new or waiting task has a start time still ahead
 * @param cooldown a failed run asks to wait before the next attempt (rate limit, infrastructure)
 */
public record TaskFacts(
    Status status,
    List<String> pendingParents,
    boolean resumeReview,
    boolean reviewLane,
    BlockKind blockKind,
    boolean blockLoop,
    boolean breakerTripped,
    boolean triageRequested,
    boolean scheduledInFuture,
    boolean cooldown) {

  public TaskFacts {
    pendingParents = List.copyOf(pendingParents);
  }

  public static TaskFacts of(Status status) {
    return new TaskFacts(status, List.of(), false, false, null, false, false, false, false, false);
  }

  /** Facts of an existing task; parents and verb-specific facts are added with the withers. */
  public static TaskFacts of(Task task) {
    return of(task.status()).withResumeReview(task.resumeStatus() == Status.REVIEW);
  }

  public boolean parentsDone() {
    return pendingParents.isEmpty();
  }

  public TaskFacts withPendingParents(List<String> v) {
    return new TaskFacts(status, v, resumeReview, reviewLane, blockKind, blockLoop, breakerTripped, triageRequested, scheduledInFuture, cooldown);
  }

  public TaskFacts withResumeReview(boolean v) {
    return new TaskFacts(status, pendingParents, v, reviewLane, blockKind, blockLoop, breakerTripped, triageRequested, scheduledInFuture, cooldown);
  }

  public TaskFacts withReviewLane(boolean v) {
    return new TaskFacts(status, pendingParents, resumeReview, v, blockKind, blockLoop, breakerTripped, triageRequested, scheduledInFuture, cooldown);
  }

  public TaskFacts withBlock(BlockKind kind, boolean loop) {
    return new TaskFacts(status, pendingParents, resumeReview, reviewLane, kind, loop, breakerTripped, triageRequested, scheduledInFuture, cooldown);
  }

  public TaskFacts withBreakerTripped(boolean v) {
    return new TaskFacts(status, pendingParents, resumeReview, reviewLane, blockKind, blockLoop, v, triageRequested, scheduledInFuture, cooldown);
  }

  public TaskFacts withTriageRequested(boolean v) {
    return new TaskFacts(status, pendingParents, resumeReview, reviewLane, blockKind, blockLoop, breakerTripped, v, scheduledInFuture, cooldown);
  }

  public TaskFacts withCooldown(boolean v) {
    return new TaskFacts(status, pendingParents, resumeReview, reviewLane, blockKind, blockLoop, breakerTripped, triageRequested, scheduledInFuture, v);
  }

  public TaskFacts withScheduledInFuture(boolean v) {
    return new TaskFacts(status, pendingParents, resumeReview, reviewLane, blockKind, blockLoop, breakerTripped, triageRequested, v, cooldown);
  }
}
