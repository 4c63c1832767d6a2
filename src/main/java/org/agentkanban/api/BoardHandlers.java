package org.agentkanban.api;

import io.javalin.http.Context;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.wire.RequestJson;
import org.agentkanban.wire.ResponseJson;

/** Boards (list, create, show, rename, remove) and the board-wide verbs stats, gc and tick. */
final class BoardHandlers {
  /** Like {@code kanban gc}: 30 days of events and logs are kept by default. */
  static final long RETENTION_MS_DEFAULT = 30L * 24 * 3600 * 1000;

  private final ApiContext context;

  BoardHandlers(ApiContext context) {
    this.context = context;
  }

  void list(Context ctx) {
    Requests.json(ctx, Documents.boards(context.boards().list(Requests.boolParam(ctx, "all"))));
  }

  void create(Context ctx) {
    RequestJson.CreateBoard b = Requests.body(ctx, RequestJson.CreateBoard.class);
    String slug = BoardSlug.require(b.slug());
    Boards boards = context.boards();
    boolean existed = boards.exists(slug);
    // Created (or it already existed); the gateway opens it when it is first used.
    boards.create(slug, b.name(), b.description(), false, BoardListener.NONE).close();
    Requests.json(ctx, existed ? 200 : 201, Documents.board(boards.show(slug)));
  }

  void show(Context ctx) {
    Requests.json(ctx, Documents.board(context.boards().show(Requests.slug(ctx))));
  }

  void rename(Context ctx) {
    String slug = Requests.slug(ctx);
    RequestJson.RenameBoard b = Requests.body(ctx, RequestJson.RenameBoard.class);
    context.boards().rename(slug, b.name());
    Requests.json(ctx, Documents.board(context.boards().show(slug)));
  }

  void remove(Context ctx) {
    String slug = Requests.slug(ctx);
    boolean delete = Requests.boolParam(ctx, "delete");
    Requests.json(ctx, Documents.boardRemoved(slug, delete, context.removeBoard(slug, delete)));
  }

  void backup(Context ctx) {
    String slug = Requests.slug(ctx);
    var b = context.backupBoard(slug);
    Requests.json(ctx, 201, new ResponseJson.BackupTaken(slug, b.file().toString(), b.bytes(), b.tookMs(),
        b.lastEventId(), b.createdAt(), true));
  }

  void backups(Context ctx) {
    String slug = Requests.slug(ctx);
    Requests.json(ctx, new ResponseJson.BackupList(slug, context.backups(slug).stream()
        .map(b -> new ResponseJson.BackupListed(b.file().toString(), b.createdAt(), b.bytes(), b.lastEventId()))
        .toList()));
  }

  void restore(Context ctx) {
    String slug = Requests.slug(ctx);
    RequestJson.Restore b = Requests.optionalBody(ctx, RequestJson.Restore.class, () -> new RequestJson.Restore(null));
    var r = context.restoreBoard(slug, b.backup() == null ? "latest" : b.backup());
    Requests.json(ctx, new ResponseJson.BoardRestored(r.board(), r.backup(), r.backupCreatedAt(), r.lastEventIdKept(),
        r.quarantinedTo()));
  }

  void stats(Context ctx) {
    Requests.json(ctx, Documents.stats(Requests.board(context, ctx).stats()));
  }

  void gc(Context ctx) {
    RequestJson.Gc b = Requests.optionalBody(ctx, RequestJson.Gc.class, () -> new RequestJson.Gc(null, null));
    long events = b.eventRetentionMs() == null ? RETENTION_MS_DEFAULT : b.eventRetentionMs();
    long logs = b.logRetentionMs() == null ? RETENTION_MS_DEFAULT : b.logRetentionMs();
    Requests.json(ctx, Documents.gc(Requests.board(context, ctx).gc(events, logs)));
  }

  void tick(Context ctx) {
    Requests.json(ctx, Documents.tick(Requests.board(context, ctx).tick()));
  }
}
