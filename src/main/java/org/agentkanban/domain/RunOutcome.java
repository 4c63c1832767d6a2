package org.agentkanban.domain;

import java.util.Locale;

/** How a run ended. Every way a run can end has exactly one outcome; an open run has none. */
public enum RunOutcome {
  COMPLETED,
  BLOCKED,
  REVIEW_REQUESTED,
  CHANGES_REQUESTED,
  /** The worker died: non-zero exit, a signal, or it vanished. Counts toward the breaker. */
  CRASHED,
  /** Exit 0 without a terminal call (complete, block, request-review). Has its own streak limit. */
  PROTOCOL_VIOLATION,
  /** Exit 75: requeued after a cooldown; bounded in count, not a failure. */
  RATE_LIMITED,
  /** Exceeded max runtime and was stopped. Counts toward the breaker. */
  TIMED_OUT,
  /** Released without blame: an operator reclaim, or a lease that expired with no live worker. */
  RECLAIMED,
  /** The worker could not be started. Counts toward the breaker. */
  SPAWN_FAILED,
  /** The breaker tripped on this run's failure; the task is blocked. */
  GAVE_UP,
  /** An operator archived, scheduled or reassigned the task while it ran. */
  CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunOutcome parse(String text) {
    for (RunOutcome o : values()) {
      if (o.wire().equals(text)) {
        return o;
      }
    }
    throw KanbanException.invalid("unknown run outcome '" + text + "'");
  }

  /** Outcomes that count toward the task's circuit breaker. */
  public boolean countsAsFailure() {
    return this == CRASHED || this == TIMED_OUT || this == SPAWN_FAILED;
  }

  @Override
  public String toString() {
    return wire();
  }
}
