package org.agentkanban.domain;

import java.util.function.Function;
import java.util.function.Predicate;

/** A condition on a transition row, with the sentence that explains a refusal when it fails. */
public enum Guard {
  PARENTS_DONE("parents done", TaskFacts::parentsDone,
      f -> "it waits on unfinished parents: " + String.join(", ", f.pendingParents())),
  PARENTS_PENDING("parents pending", f -> !f.parentsDone(),
      f -> "it has no unfinished parent to wait for (link it under the work it waits on first)"),
  RESUME_REVIEW("resumes in review", TaskFacts::resumeReview, f -> "it does not resume in review"),
  REVIEW_LANE("review run", TaskFacts::reviewLane,
      f -> "its current run was not claimed from review (request-changes is the reviewer's verdict)"),
  DEPENDENCY_KIND("kind dependency", f -> f.blockKind() == BlockKind.DEPENDENCY, f -> "the block kind is not dependency"),
  NOT_DEPENDENCY_KIND("other kinds", f -> f.blockKind() != BlockKind.DEPENDENCY, f -> "the block kind is dependency"),
  BLOCK_LOOP("same block repeated", TaskFacts::blockLoop, f -> "the block does not repeat"),
  BREAKER_TRIPPED("retries exhausted", TaskFacts::breakerTripped, f -> "it has retries left"),
  COOLDOWN("wait before retrying", TaskFacts::cooldown, f -> "no cooldown was asked for"),
  TRIAGE_REQUESTED("--triage", TaskFacts::triageRequested, f -> "triage was not requested"),
  SCHEDULED_IN_FUTURE("start time ahead", TaskFacts::scheduledInFuture, f -> "no start time ahead"),
  ALWAYS("", f -> true, f -> "");

  private final String label;
  private final Predicate<TaskFacts> test;
  private final Function<TaskFacts, String> failure;

  Guard(String label, Predicate<TaskFacts> test, Function<TaskFacts, String> failure) {
    this.label = label;
    this.test = test;
    this.failure = failure;
  }

  public boolean holds(TaskFacts facts) {
    return test.test(facts);
  }

  /** Why the guard fails for these facts, phrased to follow "cannot verb t_x: ". */
  public String failure(TaskFacts facts) {
    return failure.apply(facts);
  }

  public String label() {
    return label;
  }
}
