package org.agentkanban.domain;

import java.util.Locale;

/** Every kind of event we write. The wire name is the lower-case constant name. */
public enum EventKind {
  CREATED,
  EDITED,
  ASSIGNED,
  LINKED,
  UNLINKED,
  DEPENDENCY_WAIT,
  PROMOTED,
  PROMOTED_MANUAL,
  SCHEDULED,
  SCHEDULE_DUE,
  CLAIMED,
  HEARTBEAT,
  CLAIM_EXTENDED,
  SPAWNED,
  WORKER_ADOPTED,
  WORKER_STOPPED,
  RECLAIM_DEFERRED,
  DISPATCH_SKIPPED,
  COMPLETED,
  BLOCKED,
  BLOCK_LOOP_DETECTED,
  UNBLOCKED,
  REVIEW_REQUESTED,
  CHANGES_REQUESTED,
  REVIEW_REOPENED,
  RECLAIMED,
  CRASHED,
  PROTOCOL_VIOLATION,
  RATE_LIMITED,
  TIMED_OUT,
  SPAWN_FAILED,
  GAVE_UP,
  ARCHIVED,
  TASK_DELETED,
  COMMENTED,
  ATTACHED,
  ATTACHMENT_REMOVED,
  STALE_WRITE_REJECTED,
  BOARD_CREATED,
  BOARD_RESTORED,
  GC;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EventKind parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return wire();
  }
}
