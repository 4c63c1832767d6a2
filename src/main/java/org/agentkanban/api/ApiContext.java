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
      int liveWorkers, long walBytes) {}
}
