package org.agentkanban.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a task is in its life. Who moves tasks in and out of each status is noted per constant. */
public enum Status {
  /** A rough idea awaiting a spec. In: create --triage, a block loop. Out: promote, archive. */
  TRIAGE,
  /** Waiting on unfinished parents. In: create/link/unblock/release with pending parents. Out: promotion. */
  TODO,
  /** Parked until a time. In: create --at, schedule. Out: the due time (dispatcher/tick), promote. */
  SCHEDULED,
  /** Eligible for a worker. In: promotion, unblock, reclaim, retries. Out: claim, block, complete. */
  READY,
  /** Claimed: exactly one open run. In: claim. Out: the run's end (complete, block, failure...). */
  RUNNING,
  /** Needs a human, or the circuit breaker tripped. Out: unblock, promote, complete, archive. */
  BLOCKED,
  /** Handed off for review. In: request-review. Out: claim (review lane), reopen-review, complete. */
  REVIEW,
  /** Completed. Out: archive only. Satisfies children's dependencies. */
  DONE,
  /** Hidden and final. Satisfies children's dependencies. Out: deletion (archive --rm). */
  ARCHIVED;

  /** The lower-case name used on the command line, in JSON and in the database. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A parent in this status no longer holds its children back. */
  public boolean satisfiesDependency() {
    return this == DONE || this == ARCHIVED;
  }

  public static Status parse(String text) {
    if (text != null) {
      for (Status s : values()) {
        if (s.wire().equals(text.trim().toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
    }
    throw KanbanException.invalid(
        "unknown status '" + text + "'; expected one of: " + allWireNames());
  }

  public static String allWireNames() {
    return Arrays.stream(values()).map(Status::wire).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return wire();
  }
}
