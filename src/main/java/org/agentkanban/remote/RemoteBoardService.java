package org.agentkanban.remote;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.BoardStats;
import org.agentkanban.service.Claim;
import org.agentkanban.service.CreateResult;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.EditTask;
import org.agentkanban.service.GcResult;
import org.agentkanban.service.TaskDetail;
import org.agentkanban.service.TaskView;
import org.agentkanban.service.TickResult;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.wire.AttachmentJson;
import org.agentkanban.wire.CommentJson;
import org.agentkanban.wire.Json;
import org.agentkanban.wire.RequestJson;
import org.agentkanban.wire.ResponseJson;
import org.agentkanban.wire.TaskJson;

/**
 * The verbs of one board, spoken to a running gateway over its JSON API: what the CLI uses when a
 * gateway serves its {@code $KANBAN_HOME}, and what a worker uses with the run token it was given.
 * Errors come back as the {@link KanbanException} the gateway's service threw, so the CLI prints
 * and exits exactly as it does against a local board; a gateway that does not answer is
 * {@code UNAVAILABLE}.
 *
 * <p>With the admin token the actor's name travels in {@code X-Kanban-Actor} (and its run, if it
 * writes for one, in {@code X-Kanban-Run}). With a run token the gateway decides who writes: the
 * run's own worker, fenced to that run.
 */
public final class RemoteBoardService implements BoardService {
  private final String board;
  private final GatewayHttp http;
  private final boolean admin;
  private final String prefix;

  private RemoteBoardService(String baseUrl, String board, Map<String, String> headers, boolean admin) {
    this.board = BoardSlug.require(board);
    this.http = new GatewayHttp(baseUrl, headers);
    this.admin = admin;
    this.prefix = "/api/v1/boards/" + board;
  }

  /** A client with the gateway's admin token (people and the CLI). */
  public static RemoteBoardService admin(String baseUrl, String adminToken, String board) {
    return new RemoteBoardService(baseUrl, board, Map.of("Authorization", "Bearer " + adminToken), true);
  }

  /** A worker's client: its run token, run and task ({@code KANBAN_RUN_TOKEN}, {@code KANBAN_RUN}, {@code KANBAN_TASK}). */
  public static RemoteBoardService forRun(String baseUrl, String runToken, long runId, String taskId, String board) {
    return new RemoteBoardService(baseUrl, board, Map.of("Authorization", "Bearer " + runToken,
        "X-Kanban-Run", Long.toString(runId), "X-Kanban-Task", TaskIds.require(taskId)), false);
  }

  /** The gateway this client talks to. */
  public String url() {
    return http.base();
  }

  @Override
  public String board() {
    return board;
  }

  /** The headers naming who writes: the person (admin token), and the run when the actor writes for one. */
  private Map<String, String> as(Actor actor) {
    Map<String, String> h = new LinkedHashMap<>();
    if (actor == null) {
      return h;
    }
    if (admin) {
      h.put("X-Kanban-Actor", GatewayHttp.headerValue(actor.name()));
    }
    if (actor.runId() != null) {
      h.put("X-Kanban-Run", Long.toString(actor.runId()));
    }
    return h;
  }

  private static String task(String id) {
    return "/tasks/" + TaskIds.require(id);
  }

  private TaskView view(TaskJson t) {
    return new TaskView(t.toTask(), t.parents(), t.children());
  }

  private TaskView post(String taskId, String verb, Object body, Actor actor) {
    return view(http.send("POST", prefix + task(taskId) + "/" + verb, body, TaskJson.class, as(actor)));
  }

  // ---- reading ---------------------------------------------------------------------------

  @Override
  public List<TaskView> list(TaskQuery q) {
    StringBuilder query = new StringBuilder("?limit=").append(q.limit()).append("&sort=").append(q.sort().wire());
    if (!q.statuses().isEmpty()) {
      query.append("&status=").append(q.statuses().stream().map(Status::wire).sorted().collect(Collectors.joining(",")));
    }
    if (q.assignee() != null) {
      query.append("&assignee=").append(GatewayHttp.encode(q.assignee()));
    }
    if (q.tenant() != null) {
      query.append("&tenant=").append(GatewayHttp.encode(q.tenant()));
    }
    if (q.includeArchived()) {
      query.append("&archived=true");
    }
    ResponseJson.TaskList list = http.get(prefix + "/tasks" + query, ResponseJson.TaskList.class, Map.of());
    return list.tasks().stream().map(this::view).toList();
  }

  @Override
  public TaskDetail show(String taskId, int eventLimit) {
    ResponseJson.Detail d = http.get(prefix + task(taskId) + "?events=" + eventLimit, ResponseJson.Detail.class, Map.of());
    return new TaskDetail(view(d.task()), related(d.parents()), related(d.children()),
        d.comments().stream().map(CommentJson::toComment).toList(),
        d.runs().stream().map(r -> r.toRun()).toList(),
        d.events().stream().map(e -> e.toEvent()).toList(),
        d.attachments().stream().map(RemoteBoardService::attachment).toList());
  }

  private static List<TaskDetail.Related> related(List<ResponseJson.Related> list) {
    return list.stream().map(r -> new TaskDetail.Related(r.id(), r.title(), Status.parse(r.status()))).toList();
  }

  /** The stored name is the last part of the path the gateway reports. */
  private static Attachment attachment(AttachmentJson a) {
    String stored = a.path() == null ? a.filename() : Path.of(a.path()).getFileName().toString();
    return new Attachment(a.id(), a.taskId(), a.filename(), stored, a.contentType(), a.size(), a.sha256(),
        a.uploadedBy(), a.createdAt());
  }

  @Override
  public String context(String taskId) {
    return http.get(prefix + task(taskId) + "/context", ResponseJson.Context.class, Map.of()).context();
  }

  @Override
  public List<Run> runs(String taskId) {
    return http.get(prefix + task(taskId) + "/runs", ResponseJson.Runs.class, Map.of()).runs().stream()
        .map(r -> r.toRun()).toList();
  }

  @Override
  public List<Event> events(long afterId, String taskId, int limit) {
    String query = "?after=" + afterId + "&limit=" + limit + (taskId == null ? "" : "&task=" + TaskIds.require(taskId));
    return http.get(prefix + "/events" + query, ResponseJson.Events.class, Map.of()).events().stream()
        .map(e -> e.toEvent()).toList();
  }

  @Override
  public List<Attachment> attachments(String taskId) {
    return http.get(prefix + task(taskId) + "/attachments", ResponseJson.Attachments.class, Map.of())
        .attachments().stream().map(RemoteBoardService::attachment).toList();
  }

  @Override
  public BoardStats stats() {
    ResponseJson.Stats s = http.get(prefix + "/stats", ResponseJson.Stats.class, Map.of());
    Map<Status, Integer> byStatus = new LinkedHashMap<>();
    // The document lists every status; the service's map holds only those with tasks.
    s.byStatus().forEach((k, v) -> {
      if (v != 0) {
        byStatus.put(Status.parse(k), v);
      }
    });
    Map<org.agentkanban.domain.RunOutcome, Integer> runs = new LinkedHashMap<>();
    s.runsByOutcome().forEach((k, v) -> runs.put(org.agentkanban.domain.RunOutcome.parse(k), v));
    return new BoardStats(s.board(), byStatus, s.byAssignee(), runs, s.oldestReadyAgeMs(), s.events(), s.now());
  }

  // ---- creating and editing --------------------------------------------------------------

  @Override
  public CreateResult create(CreateTask r) {
    RequestJson.CreateTask body = new RequestJson.CreateTask(r.title(), r.body(), r.assignee(), r.parents(),
        r.priority(), r.tenant(), r.idempotencyKey(), r.dedupeScope() == null ? null : r.dedupeScope().wire(),
        r.triage() ? Boolean.TRUE : null, r.scheduledAt(), r.maxRuntimeMs(), r.maxRetries(),
        r.workspace() == null ? null : r.workspace().spec());
    ResponseJson.Created c = http.send("POST", prefix + "/tasks", body, ResponseJson.Created.class, as(r.actor()));
    return new CreateResult(view(c.task()), c.created());
  }

  @Override
  public TaskView edit(EditTask r) {
    RequestJson.EditTask body = new RequestJson.EditTask(r.title(), r.body(), r.priority(), r.tenant(),
        r.maxRuntimeMs(), r.clearMaxRuntime() ? Boolean.TRUE : null, r.maxRetries(),
        r.workspace() == null ? null : r.workspace().spec());
    return view(http.send("PATCH", prefix + task(r.taskId()), body, TaskJson.class, as(r.actor())));
  }

  @Override
  public TaskView assign(String taskId, String assignee, boolean reclaim, Actor actor) {
    return post(taskId, "assign", new RequestJson.Assign(assignee, reclaim), actor);
  }

  @Override
  public TaskView link(String parentId, String childId, Actor actor) {
    RequestJson.Link body = new RequestJson.Link(TaskIds.require(parentId), TaskIds.require(childId));
    return view(http.send("POST", prefix + "/links", body, TaskJson.class, as(actor)));
  }

  @Override
  public TaskView unlink(String parentId, String childId, Actor actor) {
    String path = prefix + "/links/" + TaskIds.require(parentId) + "/" + TaskIds.require(childId);
    return view(http.send("DELETE", path, null, TaskJson.class, as(actor)));
  }

  @Override
  public Comment comment(String taskId, String body, Actor actor) {
    return http.send("POST", prefix + task(taskId) + "/comments", new RequestJson.Comment(body), CommentJson.class,
        as(actor)).toComment();
  }

  @Override
  public Attachment attach(String taskId, Path file, String name, String contentType, Actor actor) {
    if (!Files.exists(file)) {
      throw KanbanException.notFound("no such file: " + file);
    }
    if (!Files.isRegularFile(file)) {
      throw KanbanException.invalid(file + " is not a regular file");
    }
    String display = name != null ? name : file.getFileName() == null ? "" : file.getFileName().toString();
    String path = prefix + task(taskId) + "/attachments?name=" + GatewayHttp.encode(display);
    return attachment(http.upload(path, file, contentType, AttachmentJson.class, as(actor)));
  }

  @Override
  public void attachRemove(long attachmentId, Actor actor) {
    http.send("DELETE", prefix + "/attachments/" + attachmentId, null, ResponseJson.AttachmentRemoved.class, as(actor));
  }

  // ---- lifecycle -------------------------------------------------------------------------

  @Override
  public Claim claim(String taskId, long leaseTtlMs, Actor actor) {
    ResponseJson.Claimed c = http.send("POST", prefix + task(taskId) + "/claim", new RequestJson.Claim(leaseTtlMs),
        ResponseJson.Claimed.class, as(actor));
    return new Claim(view(c.task()), c.run().toRun(), c.runToken());
  }

  @Override
  public TaskView heartbeat(String taskId, String note, Actor actor) {
    return post(taskId, "heartbeat", new RequestJson.Heartbeat(note), actor);
  }

  @Override
  public TaskView complete(String taskId, String summary, String metadataJson, boolean force, Actor actor) {
    return post(taskId, "complete", new RequestJson.Complete(summary, metadata(metadataJson), force ? Boolean.TRUE : null),
        actor);
  }

  @Override
  public TaskView block(String taskId, String reason, BlockKind kind, Actor actor) {
    return post(taskId, "block", new RequestJson.Block(reason, kind == null ? null : kind.wire()), actor);
  }

  @Override
  public TaskView unblock(String taskId, String reason, Actor actor) {
    return post(taskId, "unblock", new RequestJson.Reason(reason), actor);
  }

  @Override
  public TaskView promote(String taskId, String reason, Actor actor) {
    return post(taskId, "promote", new RequestJson.Reason(reason), actor);
  }

  @Override
  public TaskView schedule(String taskId, long at, String reason, Actor actor) {
    return post(taskId, "schedule", new RequestJson.Schedule(at, reason), actor);
  }

  @Override
  public TaskView requestReview(String taskId, String summary, String metadataJson, String reviewer, Actor actor) {
    return post(taskId, "request-review", new RequestJson.RequestReview(summary, metadata(metadataJson), reviewer), actor);
  }

  @Override
  public TaskView requestChanges(String taskId, String reason, Actor actor) {
    return post(taskId, "request-changes", new RequestJson.Reason(reason), actor);
  }

  @Override
  public TaskView reopenReview(String taskId, String reason, Actor actor) {
    return post(taskId, "reopen-review", new RequestJson.Reason(reason), actor);
  }

  @Override
  public TaskView reclaim(String taskId, String reason, Actor actor) {
    return post(taskId, "reclaim", new RequestJson.Reason(reason), actor);
  }

  @Override
  public TaskView archive(String taskId, String reason, Actor actor) {
    return post(taskId, "archive", new RequestJson.Reason(reason), actor);
  }

  @Override
  public void delete(String taskId, Actor actor) {
    http.send("DELETE", prefix + task(taskId), null, ResponseJson.TaskDeleted.class, as(actor));
  }

  /** The dispatcher's verb: it runs inside the gateway, never over the API. */
  @Override
  public TaskView endRun(String taskId, long runId, RunEnd end, Actor actor) {
    throw KanbanException.refused("ending a run the way a worker exited is the gateway's own verb; it is not offered over the API");
  }

  // ---- maintenance -----------------------------------------------------------------------

  @Override
  public TickResult tick() {
    ResponseJson.Tick t = http.send("POST", prefix + "/tick", null, ResponseJson.Tick.class, Map.of());
    return new TickResult(t.woken(), t.released());
  }

  @Override
  public GcResult gc(long eventRetentionMs, long logRetentionMs) {
    ResponseJson.Gc g = http.send("POST", prefix + "/gc", new RequestJson.Gc(eventRetentionMs, logRetentionMs),
        ResponseJson.Gc.class, Map.of());
    return new GcResult(g.eventsDeleted(), g.logFilesDeleted(), g.logBytesDeleted());
  }

  /** Metadata travels as a JSON object; text that is not JSON is sent as a string for the gateway to refuse. */
  private static com.fasterxml.jackson.databind.JsonNode metadata(String json) {
    return json == null ? null : Json.tree(json);
  }

  @Override
  public void close() {
    // nothing held: each verb is one request
  }
}
