package org.agentkanban.api;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Boards;

/**
 * What the HTTP API needs from the gateway that hosts it. The API stays a thin surface: it parses a
 * request, calls one verb, renders the result.
 */
public interface ApiContext {

  /** The service of a board this gateway serves. @throws KanbanException NOT_FOUND */
  BoardService board(String slug);

  /** Board management (create, list, switch, rename, remove) for this $KANBAN_HOME. */
  Boards boards();

  /**
   * Removes a board: the gateway first stops serving it (closes its database), then archives or
   * deletes it.
   */
  java.nio.file.Path removeBoard(String slug, boolean delete);

  /** Takes a verified online backup of a board now. */
  org.agentkanban.store.FileBackups.Backup backupBoard(String slug);

  /** A board's verified backups, newest first. */
  List<org.agentkanban.store.BoardRecovery.BackupFile> backups(String slug);

  /**
   * Replaces a board's database with a backup ({@code latest}, a file name in its backups or a
   * path): the gateway closes the board, moves its database aside, restores and reopens it.
   */
  RestoredBoard restoreBoard(String slug, String backup);

  /** What a restore did. */
  record RestoredBoard(String board, String backup, long backupCreatedAt, long lastEventIdKept, String quarantinedTo) {}

  /** Health of the gateway and each board, for {@code /api/v1/health}. */
  Health health();

  /** Where {@code /metrics} comes from. */
  MeterRegistry metrics();

  /** Health as the API reports it. */
  record Health(String status, long startedAt, String version, String configProblem, List<BoardHealth> boards) {
    public Health(String status, long startedAt, String version, List<BoardHealth> boards) {
      this(status, startedAt, version, null, boards);
    }
  }

  /**
   * @param status healthy, degraded or unavailable
   * @param dispatching whether this gateway dispatches the board (another gateway may)
   * @param cause why it is not healthy, or null
   * @param action what to do about it, or null
   */
  record BoardHealth(String board, String status, boolean dispatching, String cause, String action,
      int liveWorkers, long walBytes, String warning) {
    public BoardHealth(String board, String status, boolean dispatching, String cause, String action,
        int liveWorkers, long walBytes) {
      this(board, status, dispatching, cause, action, liveWorkers, walBytes, null);
    }
  }
}
