package org.agentkanban.api;

import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.domain.Workspace;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.CreateResult;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.EditTask;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.store.TaskSort;
import org.agentkanban.wire.CommentJson;
import org.agentkanban.wire.RequestJson;
import org.agentkanban.wire.ResponseJson;

/** Tasks: list, create, show, context, edit, delete, assign, links, comments, runs. */
final class TaskHandlers {
  /** Like {@code kanban list --limit}. */
  static final int LIST_MAX_LIMIT = 10_000;

  private final ApiContext context;

  TaskHandlers(ApiContext context) {
    this.context = context;
  }

  void list(Context ctx) {
    Set<Status> statuses = EnumSet.noneOf(Status.class);
    Requests.listParam(ctx, "status").forEach(s -> statuses.add(Status.parse(s)));
    String assignee = ctx.queryParam("assignee");
    String sort = ctx.queryParam("sort");
    TaskQuery query = new TaskQuery(statuses, assignee == null ? null : assignee.toLowerCase(Locale.ROOT),
        ctx.queryParam("tenant"), Requests.boolParam(ctx, "archived"),
        Requests.intParam(ctx, "limit", TaskQuery.DEFAULT_LIMIT, 1, LIST_MAX_LIMIT),
        sort == null ? null : TaskSort.parse(sort));
    BoardService board = Requests.board(context, ctx);
    Requests.json(ctx, Documents.list(board.board(), board.list(query)));
  }

  void create(Context ctx) {
    RequestJson.CreateTask b = Requests.body(ctx, RequestJson.CreateTask.class);
    CreateTask request = new CreateTask(b.title(), b.body(), b.assignee(), b.parents(), b.priority(), b.tenant(),
        b.idempotencyKey(), b.dedupeScope() == null ? null : DedupeScope.parse(b.dedupeScope()),
        Requests.isTrue(b.triage()), b.scheduledAt(), b.maxRuntimeMs(), b.maxRetries(),
        b.workspace() == null ? null : Workspace.parse(b.workspace()), Requests.actor(ctx));
    CreateResult r = Requests.board(context, ctx).create(request);
    Requests.json(ctx, r.created() ? 201 : 200, Documents.created(r));
  }

  void show(Context ctx) {
    String id = Requests.taskId(ctx);
    int events = Requests.intParam(ctx, "events", 20, 0, 10_000);
    BoardService board = Requests.board(context, ctx);
    Requests.json(ctx, Documents.detail(board.show(id, events), a -> attachmentPath(board.board(), a)));
  }

  void context(Context ctx) {
    String id = Requests.taskId(ctx);
    Requests.json(ctx, Documents.context(id, Requests.board(context, ctx).context(id)));
  }

  void edit(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.EditTask b = Requests.body(ctx, RequestJson.EditTask.class);
    EditTask request = new EditTask(id, b.title(), b.body(), b.priority(), b.tenant(), b.maxRuntimeMs(),
        Requests.isTrue(b.clearMaxRuntime()), b.maxRetries(),
        b.workspace() == null ? null : Workspace.parse(b.workspace()), Requests.actor(ctx));
    Requests.json(ctx, Documents.task(Requests.board(context, ctx).edit(request)));
  }

  void delete(Context ctx) {
    String id = Requests.taskId(ctx);
    Requests.board(context, ctx).delete(id, Requests.actor(ctx));
    Requests.json(ctx, new ResponseJson.TaskDeleted(id, true));
  }

  void assign(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.Assign b = Requests.body(ctx, RequestJson.Assign.class);
    Requests.json(ctx, Documents.task(Requests.board(context, ctx)
        .assign(id, b.assignee(), Requests.isTrue(b.reclaim()), Requests.actor(ctx))));
  }

  void link(Context ctx) {
    RequestJson.Link b = Requests.body(ctx, RequestJson.Link.class);
    Requests.json(ctx, Documents.task(Requests.board(context, ctx)
        .link(TaskIds.require(b.parent()), TaskIds.require(b.child()), Requests.actor(ctx))));
  }

  void unlink(Context ctx) {
    String parent = TaskIds.require(ctx.pathParam("parent"));
    String child = TaskIds.require(ctx.pathParam("child"));
    Requests.json(ctx, Documents.task(Requests.board(context, ctx).unlink(parent, child, Requests.actor(ctx))));
  }

  void comment(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.Comment b = Requests.body(ctx, RequestJson.Comment.class);
    Requests.json(ctx, 201, CommentJson.of(Requests.board(context, ctx).comment(id, b.body(), Requests.actor(ctx))));
  }

  void runs(Context ctx) {
    String id = Requests.taskId(ctx);
    Requests.json(ctx, Documents.runs(id, Requests.board(context, ctx).runs(id)));
  }

  /** Where an attachment's bytes are on this host, as the CLI prints it. */
  String attachmentPath(String board, Attachment a) {
    return context.boards().home().attachmentsDir(board).resolve(a.taskId()).resolve(a.storedName()).toString();
  }
}
