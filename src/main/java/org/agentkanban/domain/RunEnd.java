package org.agentkanban.domain;

/**
 * How a run ends, built only through the named constructors so an outcome always comes with the
 * fields that explain it (a crash has an error, a completion may have a summary).
 */
public record RunEnd(
    RunOutcome outcome, String summary, String metadata, String error, Integer exitCode, boolean infrastructure) {

  private static RunEnd of(RunOutcome o, String summary, String metadata, String error, Integer exit) {
    return new RunEnd(o, summary, metadata, TextRules.clipError(error), exit, false);
  }

  public static RunEnd completed(String summary, String metadataJson) {
    return of(RunOutcome.COMPLETED, summary, metadataJson, null, null);
  }

  public static RunEnd blocked(String reason) {
    return of(RunOutcome.BLOCKED, null, null, reason, null);
  }

  public static RunEnd reviewRequested(String summary, String metadataJson) {
    return of(RunOutcome.REVIEW_REQUESTED, summary, metadataJson, null, null);
  }

  public static RunEnd changesRequested(String reason) {
    return of(RunOutcome.CHANGES_REQUESTED, null, null, reason, null);
  }

  public static RunEnd crashed(Integer exitCode, String error) {
    if (error == null || error.isBlank()) {
      throw new IllegalArgumentException("a crash needs an error saying what happened");
    }
    return of(RunOutcome.CRASHED, null, null, error, exitCode);
  }

  public static RunEnd protocolViolation(String error) {
    return of(RunOutcome.PROTOCOL_VIOLATION, null, null, error, 0);
  }

  public static RunEnd rateLimited(String error) {
    return of(RunOutcome.RATE_LIMITED, null, null, error, 75);
  }

  public static RunEnd timedOut(String error) {
    return of(RunOutcome.TIMED_OUT, null, null, error, null);
  }

  public static RunEnd spawnFailed(String error) {
    return of(RunOutcome.SPAWN_FAILED, null, null, error, null);
  }

  /**
   * The host could not start the worker (no resources, a file system fault): not the task's fault,
   * so it does not count toward the breaker (#114720).
   */
  public static RunEnd spawnFailedInfrastructure(String error) {
    return new RunEnd(RunOutcome.SPAWN_FAILED, null, null, TextRules.clipError(error), null, true);
  }

  public static RunEnd reclaimed(String reason) {
    return of(RunOutcome.RECLAIMED, null, null, reason, null);
  }

  public static RunEnd cancelled(String reason) {
    return of(RunOutcome.CANCELLED, null, null, reason, null);
  }

  public static RunEnd gaveUp(RunEnd failure) {
    return of(RunOutcome.GAVE_UP, null, failure.metadata(), failure.outcome().wire() + ": " + failure.error(),
        failure.exitCode());
  }
}
