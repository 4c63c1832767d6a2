package org.agentkanban.domain;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Everything that can move a task between statuses. Most are commands people and workers give;
 * {@link #PROMOTE_READY}, {@link #SCHEDULE_DUE}, {@link #LEASE_EXPIRED} and {@link #RUN_FAILED}
 * are the board's own reactions.
 */
public enum Verb {
  CREATE("create"),
  /** A parent finished, so a waiting child becomes dispatchable. */
  PROMOTE_READY("promote when parents are done"),
  /** A scheduled task's time came. */
  SCHEDULE_DUE("wake a due scheduled task"),
  /** A new link to an unfinished parent sends a ready (or in-review) child back to waiting. */
  DEPEND("add a dependency"),
  CLAIM("claim", Status.RUNNING),
  HEARTBEAT("heartbeat"),
  COMPLETE("complete"),
  BLOCK("block"),
  UNBLOCK("unblock"),
  PROMOTE("promote"),
  REQUEST_REVIEW("request review"),
  REQUEST_CHANGES("request changes"),
  REOPEN_REVIEW("reopen review"),
  SCHEDULE("schedule"),
  RECLAIM("reclaim"),
  /** A lease ran out and no live worker holds it: released without blame. */
  LEASE_EXPIRED("release an expired lease"),
  /** A run failed (crash, timeout, spawn failure, protocol violation, rate limit). */
  RUN_FAILED("record a failed run"),
  ARCHIVE("archive"),
  DELETE("delete");

  private final String label;
  private final Set<Status> conflictingStatuses;

  Verb(String label, Status... conflictingStatuses) {
    this.label = label;
    this.conflictingStatuses =
        conflictingStatuses.length == 0 ? Set.of() : EnumSet.of(conflictingStatuses[0], conflictingStatuses);
  }

  public String label() {
    return label;
  }

  /**
   * Statuses in which a refusal means someone else got there first (a lost race, exit code 4)
   * rather than a request the rules forbid.
   */
  public boolean conflictsIn(Status status) {
    return conflictingStatuses.contains(status);
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
