package org.agentkanban.api;

import io.javalin.http.Context;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;

/**
 * {@code GET /events}: the board's event log after a cursor, as one JSON document, or as a stream
 * of server-sent events when the client accepts {@code text/event-stream}.
 */
final class EventHandlers {
  /** Like {@code kanban events --limit}. */
  static final int LIMIT_DEFAULT = 200;
  static final int LIMIT_MAX = 10_000;

  private final ApiContext context;
  private final EventStream stream;

  EventHandlers(ApiContext context, EventStream stream) {
    this.context = context;
    this.stream = stream;
  }

  void events(Context ctx) throws Exception {
    long after = Requests.longParam(ctx, "after", 0);
    BoardService board = Requests.board(context, ctx);
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("text/event-stream")) {
      // A reconnecting EventSource sends the last id it saw; it wins over the original ?after.
      long cursor = Requests.parseLong("Last-Event-ID", ctx.header("Last-Event-ID"), after);
      stream.open(ctx, board.board(), cursor);
      return;
    }
    String task = ctx.queryParam("task");
    if (task != null) {
      TaskIds.require(task);
    }
    int limit = Requests.intParam(ctx, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX);
    Requests.json(ctx, Documents.events(board.events(after, task, limit), after));
  }
}
