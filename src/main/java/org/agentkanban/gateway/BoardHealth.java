package org.agentkanban.gateway;

import org.agentkanban.store.StoreUnavailableException;

/**
 * A board's health as the gateway sees it, never silent. {@code healthy}; {@code degraded} after a
 * transient fault (busy, an I/O error, a full or read-only disk): retried with a backoff of a few
 * seconds and healthy again the moment an operation succeeds (no fixed quarantine window); or
 * {@code unavailable} when SQLite reports damage: the board stops, other boards go on, and the
 * cause and the way out are shown until it is repaired or restored.
 */
public final class BoardHealth {
  public enum State {
    HEALTHY,
    DEGRADED,
    UNAVAILABLE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Backoff after consecutive transient faults: short, because dispatch must resume within seconds. */
  static final long[] BACKOFF_MS = {250, 500, 1_000, 2_000};

  private State state = State.HEALTHY;
  private String cause;
  private String action;
  private long since;
  private int failures;
  private long faults;
  private boolean gaveUp;
  /** The current fault came from a write: only a write that succeeds proves it has cleared. */
  private boolean writeFault;
  private RuntimeException lastError;

  public synchronized State state() {
    return state;
  }

  public synchronized String cause() {
    return cause;
  }

  public synchronized String action() {
    return action;
  }

  public synchronized long since() {
    return since;
  }

  /** Transient faults seen since the gateway started (for the report). */
  public synchronized long faults() {
    return faults;
  }

  /**
   * An operation succeeded: a degraded board is healthy again at once, unless its fault came from
   * a write and this was no write (a full or read-only disk still serves reads; a read that works
   * says nothing about whether writes do, and the state must not flap with every poll).
   *
   * @param wrote whether the operation committed a write
   */
  synchronized boolean succeeded(long now, boolean wrote) {
    if (state == State.DEGRADED && (wrote || !writeFault)) {
      state = State.HEALTHY;
      cause = null;
      action = null;
      since = now;
      failures = 0;
      writeFault = false;
      lastError = null;
      return true;
    }
    return false;
  }

  /**
   * Records a failure and returns how long to wait before the next attempt.
   *
   * The same failure reported twice (by the write path, then by the dispatcher pass it broke)
   * counts once.
   *
   * @param writing whether the failed operation was a write
   * @return milliseconds until the next try, or -1 when the board is now unavailable
   */
  synchronized long failed(RuntimeException e, long now, boolean writing) {
    boolean permanent = e instanceof StoreUnavailableException s && !s.reason().isTransient();
    if (permanent) {
      if (state != State.UNAVAILABLE) {
        since = now;
      }
      state = State.UNAVAILABLE;
      cause = e.getMessage();
      if (action == null || !gaveUp) {
        action = isDamage(e)
            ? "the gateway restores the newest verified backup when auto_restore is on; otherwise run "
                + "'kanban doctor' and 'kanban restore <backup>'"
            : "the board is refused as it is (see the cause); nothing is restored automatically: fix it, then "
                + "restart the gateway";
      }
      return -1;
    }
    if (e == lastError) {
      return BACKOFF_MS[Math.max(0, Math.min(failures - 1, BACKOFF_MS.length - 1))];
    }
    lastError = e;
    if (state == State.HEALTHY) {
      since = now;
      writeFault = false;
    }
    writeFault |= writing;
    if (state != State.UNAVAILABLE) {
      state = State.DEGRADED;
    }
    cause = e.getMessage();
    action = "retrying every few seconds; check free disk space and permissions of the board directory";
    faults++;
    long wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
    failures++;
    return wait;
  }

  /** The gateway cannot restore the board itself: {@code why} says what the operator must do. */
  synchronized void gaveUp(String why) {
    gaveUp = true;
    action = why;
  }

  /** After a restore or repair. */
  synchronized void restored(long now) {
    gaveUp = false;
    state = State.HEALTHY;
    cause = null;
    action = null;
    since = now;
    failures = 0;
    writeFault = false;
    lastError = null;
  }

  /**
   * Only SQLite's word that the file is damaged starts an auto-restore. A full or read-only disk,
   * a busy lock, a wrong journal mode or a newer schema never does: restoring would throw away
   * good data for nothing.
   */
  static boolean isDamage(RuntimeException e) {
    return e instanceof StoreUnavailableException s && s.reason() == StoreUnavailableException.Cause.CORRUPT;
  }
}
