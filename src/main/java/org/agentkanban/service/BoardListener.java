package org.agentkanban.service;

import org.agentkanban.domain.Run;

/**
 * Told about committed changes, after the commit. The gateway listens to wake its dispatcher at
 * once and to stop a worker whose run an operator ended. Listeners must be quick and must not throw.
 */
public interface BoardListener {
  BoardListener NONE = new BoardListener() {};

  /** Something on the board changed. */
  default void changed() {}

  /**
   * A run was closed by someone other than its worker (archive, block, reclaim, reassign,
   * schedule): if a worker process still runs it, it must be stopped.
   */
  default void runClosedUnderWorker(String taskId, Run closedRun) {}

  /**
   * A write could not be committed because the board's storage failed (busy, a full or read-only
   * disk, damage): the gateway's board health hears of it even when the writer was an API client.
   */
  default void writeFailed(org.agentkanban.store.StoreUnavailableException e) {}
}
