package org.agentkanban.api;

import io.javalin.http.Context;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.TaskView;
import org.agentkanban.wire.Json;
import org.agentkanban.wire.RequestJson;

/**
 * The status verbs, one task each ({@code POST /tasks/{id}/<verb>}); each answers with the task.
 * A fenced actor (a run token, or the admin naming a run) is refused by the service once its run
 * is not current.
 */
final class LifecycleHandlers {
  private final ApiContext context;

  LifecycleHandlers(ApiContext context) {
    this.context = context;
  }

  void claim(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.Claim b = Requests.optionalBody(ctx, RequestJson.Claim.class, () -> new RequestJson.Claim(null));
    long ttl = b.leaseTtlMs() == null ? LocalBoardService.LEASE_TTL_MS_DEFAULT : b.leaseTtlMs();
    if (ttl <= 0) {
      throw KanbanException.invalid("lease_ttl_ms must be positive");
    }
    Requests.json(ctx, Documents.claimed(Requests.board(context, ctx).claim(id, ttl, Requests.actor(ctx))));
  }

  void heartbeat(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.Heartbeat b = Requests.optionalBody(ctx, RequestJson.Heartbeat.class, () -> new RequestJson.Heartbeat(null));
    reply(ctx, Requests.board(context, ctx).heartbeat(id, b.note(), Requests.actor(ctx)));
  }

  void complete(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.Complete b = Requests.optionalBody(ctx, RequestJson.Complete.class,
        () -> new RequestJson.Complete(null, null, null));
    reply(ctx, Requests.board(context, ctx).complete(id, b.summary(), metadata(b.metadata()),
        Requests.isTrue(b.force()), Requests.actor(ctx)));
  }

  void block(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.Block b = Requests.optionalBody(ctx, RequestJson.Block.class, () -> new RequestJson.Block(null, null));
    BlockKind kind = b.kind() == null ? null : BlockKind.parse(b.kind());
    reply(ctx, Requests.board(context, ctx).block(id, b.reason(), kind, Requests.actor(ctx)));
  }

  void unblock(Context ctx) {
    String id = Requests.taskId(ctx);
    reply(ctx, Requests.board(context, ctx).unblock(id, reason(ctx), Requests.actor(ctx)));
  }

  void promote(Context ctx) {
    String id = Requests.taskId(ctx);
    reply(ctx, Requests.board(context, ctx).promote(id, reason(ctx), Requests.actor(ctx)));
  }

  void schedule(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.Schedule b = Requests.body(ctx, RequestJson.Schedule.class);
    if (b.at() == null) {
      throw KanbanException.invalid("at is required: the time to wake the task, in epoch milliseconds");
    }
    reply(ctx, Requests.board(context, ctx).schedule(id, b.at(), b.reason(), Requests.actor(ctx)));
  }

  void requestReview(Context ctx) {
    String id = Requests.taskId(ctx);
    RequestJson.RequestReview b = Requests.optionalBody(ctx, RequestJson.RequestReview.class,
        () -> new RequestJson.RequestReview(null, null, null));
    reply(ctx, Requests.board(context, ctx).requestReview(id, b.summary(), metadata(b.metadata()), b.reviewer(),
        Requests.actor(ctx)));
  }

  void requestChanges(Context ctx) {
    String id = Requests.taskId(ctx);
    reply(ctx, Requests.board(context, ctx).requestChanges(id, reason(ctx), Requests.actor(ctx)));
  }

  void reopenReview(Context ctx) {
    String id = Requests.taskId(ctx);
    reply(ctx, Requests.board(context, ctx).reopenReview(id, reason(ctx), Requests.actor(ctx)));
  }

  void reclaim(Context ctx) {
    String id = Requests.taskId(ctx);
    reply(ctx, Requests.board(context, ctx).reclaim(id, reason(ctx), Requests.actor(ctx)));
  }

  void archive(Context ctx) {
    String id = Requests.taskId(ctx);
    reply(ctx, Requests.board(context, ctx).archive(id, reason(ctx), Requests.actor(ctx)));
  }

  private static String reason(Context ctx) {
    return Requests.optionalBody(ctx, RequestJson.Reason.class, () -> new RequestJson.Reason(null)).reason();
  }

  /** The metadata object as the service takes it (a JSON text); the service checks it is an object. */
  private static String metadata(com.fasterxml.jackson.databind.JsonNode node) {
    return node == null || node.isNull() ? null : Json.write(node);
  }

  private static void reply(Context ctx, TaskView v) {
    Requests.json(ctx, Documents.task(v));
  }
}
