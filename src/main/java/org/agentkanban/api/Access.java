package org.agentkanban.api;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.RunTokens;

/**
 * Who may call a route. Each route in {@link ApiServer#routes} names one level; {@link Guard}
 * checks it before the handler runs.
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <admin token>}: everything. {@code X-Kanban-Actor} names the
 *       person (default {@code api}); {@code X-Kanban-Run} makes the write fenced to that run.
 *   <li>{@code Authorization: Bearer <run token>} with {@code X-Kanban-Run} and {@code X-Kanban-Task}:
 *       the token is checked against the run's stored hash. It may read the board, write its own
 *       task with the worker verbs, and create, link and comment elsewhere; every write goes to the
 *       service as that run's fenced actor, so a run that is no longer current gets a 409.
 * </ul>
 */
public enum Access implements RouteRole {
  /** No token needed: health and metrics. */
  PUBLIC,
  /** Any valid token of this board. */
  READ,
  /** A run token only for its own task (the worker verbs). */
  OWN_TASK,
  /** Any valid token of this board, a run token as its fenced actor: create, link, comment. */
  WORKER,
  /** The admin token only. */
  ADMIN;

  static final String HEADER_RUN = "X-Kanban-Run";
  static final String HEADER_TASK = "X-Kanban-Task";
  static final String HEADER_ACTOR = "X-Kanban-Actor";
  static final String DEFAULT_ACTOR = "api";
  private static final String ATTRIBUTE = "kanban.caller";

  /** The authenticated caller of this request (set by {@link Guard}). */
  static Caller caller(Context ctx) {
    Caller c = ctx.attribute(ATTRIBUTE);
    if (c == null) {
      throw ApiErrors.unauthorized("this route needs a token");
    }
    return c;
  }

  /**
   * An authenticated caller: the admin (a person or the CLI) or a worker's run.
   *
   * @param runAssignee the run's assignee, the name a worker writes as
   */
  record Caller(boolean admin, String name, Long runId, String runToken, String taskId, String runAssignee) {
    Actor actor() {
      if (admin) {
        return new Actor(name, runId, null);
      }
      return Actor.forRun(runAssignee == null ? "worker" : runAssignee, runId, runToken);
    }
  }

  /** Checks the token of every matched route against the level the route declares. */
  static final class Guard {
    private final ApiContext context;
    private final byte[] adminToken;

    Guard(ApiContext context, String adminToken) {
      if (adminToken == null || adminToken.isBlank()) {
        throw new IllegalArgumentException("the API needs an admin token");
      }
      this.context = context;
      this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
    }

    void check(Context ctx) {
      Access access = ctx.routeRoles().stream().filter(Access.class::isInstance).map(Access.class::cast)
          .findFirst().orElse(ADMIN);
      if (access == PUBLIC) {
        return;
      }
      String token = bearer(ctx);
      Caller caller = MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), adminToken)
          ? admin(ctx) : worker(ctx, token, access);
      ctx.attribute(ATTRIBUTE, caller);
    }

    private static String bearer(Context ctx) {
      String h = ctx.header("Authorization");
      if (h == null || h.isBlank()) {
        throw ApiErrors.unauthorized("no token: send 'Authorization: Bearer <token>' (the admin token from "
            + "gateway.json, or a worker's KANBAN_RUN_TOKEN)");
      }
      if (!h.regionMatches(true, 0, "Bearer ", 0, 7) || h.substring(7).isBlank()) {
        throw ApiErrors.unauthorized("the Authorization header must be 'Bearer <token>'");
      }
      return h.substring(7).strip();
    }

    private static Caller admin(Context ctx) {
      String name = decode(ctx.header(HEADER_ACTOR));
      Long runId = ctx.header(HEADER_RUN) == null ? null : runId(ctx);
      Caller c = new Caller(true, name == null || name.isBlank() ? DEFAULT_ACTOR : name, runId, null, null, null);
      c.actor(); // a bad actor name is a 400 before any handler runs
      return c;
    }

    private Caller worker(Context ctx, String token, Access access) {
      if (ctx.header(HEADER_RUN) == null || ctx.header(HEADER_TASK) == null) {
        throw ApiErrors.unauthorized("invalid token (a run token also needs the " + HEADER_RUN + " and "
            + HEADER_TASK + " headers)");
      }
      long runId = runId(ctx);
      String taskId = ctx.header(HEADER_TASK).strip();
      if (!TaskIds.looksLikeId(taskId)) {
        throw ApiErrors.unauthorized("invalid token: " + HEADER_TASK + " is not a task id");
      }
      Map<String, String> params = ctx.pathParamMap();
      if (!params.containsKey("board")) {
        throw ApiErrors.forbidden(allowed(taskId, ctx));
      }
      BoardService board = context.board(BoardSlug.require(params.get("board")));
      Run run;
      try {
        run = board.runs(taskId).stream().filter(r -> r.id() == runId).findFirst().orElse(null);
      } catch (KanbanException e) {
        run = null;
      }
      if (run == null || !RunTokens.matches(token, run.tokenHash())) {
        throw ApiErrors.unauthorized("invalid token: it is not the admin token, nor the token of run " + runId
            + " of " + taskId + " on board '" + board.board() + "'");
      }
      boolean permitted = switch (access) {
        case PUBLIC, READ, WORKER -> true;
        case OWN_TASK -> taskId.equals(params.get("id"));
        case ADMIN -> false;
      };
      if (!permitted) {
        throw ApiErrors.forbidden(allowed(taskId, ctx));
      }
      return new Caller(false, null, runId, token, taskId, run.assignee());
    }

    /** A header value, plain or in the RFC 8187 form {@code utf-8''<percent-encoded>} for names beyond ASCII. */
    static String decode(String value) {
      if (value != null && value.regionMatches(true, 0, "utf-8''", 0, 7)) {
        try {
          return java.net.URLDecoder.decode(value.substring(7), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw KanbanException.invalid(HEADER_ACTOR + " is not valid percent-encoded UTF-8");
        }
      }
      return value;
    }

    private static long runId(Context ctx) {
      try {
        return Long.parseLong(ctx.header(HEADER_RUN).strip());
      } catch (NumberFormatException e) {
        throw KanbanException.invalid(HEADER_RUN + " must be a run id, got '" + ctx.header(HEADER_RUN) + "'");
      }
    }

    private static String allowed(String taskId, Context ctx) {
      return "a run token may read its board; complete, block, heartbeat, schedule, request-review, "
          + "request-changes, comment on and attach to its own task " + taskId + "; and create tasks, link tasks "
          + "and comment on other tasks. " + ctx.method() + " " + ctx.path() + " needs the admin token";
    }
  }
}
