package org.agentkanban.store;

import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.KanbanException;

/**
 * The board cannot serve the request. The {@link Cause} tells transient trouble (retry with
 * backoff: the board is degraded) from damage (the board is unavailable until repaired).
 */
public final class StoreUnavailableException extends KanbanException {
  private static final long serialVersionUID = 1L;

  public enum Cause {
    /** Another connection held the lock longer than the busy timeout. Transient. */
    BUSY(true),
    /** An I/O error, a full disk, a read-only file system. Usually transient. */
    IO(true),
    /** SQLite reports the file is damaged or not a database. Needs repair or restore. */
    CORRUPT(false),
    /** The database is missing, of a newer schema, or not in the expected journal mode. */
    UNUSABLE(false);

    private final boolean transientFault;

    Cause(boolean transientFault) {
      this.transientFault = transientFault;
    }

    public boolean isTransient() {
      return transientFault;
    }
  }

  private final Cause cause;

  public StoreUnavailableException(Cause cause, String message, Throwable origin) {
    super(ErrorKind.UNAVAILABLE, message, origin);
    this.cause = cause;
  }

  public Cause reason() {
    return cause;
  }
}
