package org.agentkanban.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Link;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.StateMachine;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.TaskFacts;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.domain.TextRules;
import org.agentkanban.domain.Verb;
import org.agentkanban.domain.Workspace;
import org.agentkanban.store.BoardStore;
import org.agentkanban.store.EventQuery;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.wire.Json;

/**
 * The verbs over a {@link BoardStore} in this process. Input is validated before the transaction
 * starts, so bad input never writes; each verb is one {@code store.write}, so its change and its
 * event commit together; files and listeners are handled after the commit.
 */
public final class LocalBoardService implements BoardService {
  /** Manual claims: how long a lease lasts without a heartbeat. */
  public static final long LEASE_TTL_MS_DEFAULT = 15 * 60_000L;
  private static final int TICK_BATCH = 200;

  private final String board;
  private final BoardStore store;
  private final BoardFiles files;
  private final Clock clock;
  private final BoardListener listener;
  private final ServiceSettings settings;
  final Lifecycle lifecycle;

  public LocalBoardService(String board, BoardStore store, BoardFiles files, Clock clock,
      BoardListener listener, ServiceSettings settings) {
    this.board = board;
    this.store = store;
    this.files = files;
    this.clock = clock;
    this.listener = listener == null ? BoardListener.NONE : listener;
    this.settings = settings;
    this.lifecycle = new Lifecycle(settings.maxRetries());
  }

  @Override
  public String board() {
    return board;
  }

  public BoardStore store() {
    return store;
  }

  /** The dispatcher's verbs on this board. */
  public DispatchOperations dispatch() {
    return new Dispatching(this);
  }

  // ---- the write path --------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  <T> T write(Actor actor, Function<Change, T> work) {
    List<Runnable> afterCommit = new ArrayList<>();
    Object result;
    try {
      result = store.write(tx -> {
        Change c = new Change(tx, clock.now(), actor, board, afterCommit, listener);
        try {
          return work.apply(c);
        } catch (Change.StaleWrite stale) {
          // Nothing was written before the fence check: commit only the record of the rejection.
          tx.eventAppend(stale.event);
          return stale;
        }
      });
    } catch (org.agentkanban.store.StoreUnavailableException e) {
      listener.writeFailed(e);
      throw e;
    }
    if (result instanceof Change.StaleWrite stale) {
      listener.changed();
      throw KanbanException.conflict(stale.getMessage());
    }
    afterCommit.forEach(Runnable::run);
    listener.changed();
    return (T) result;
  }

  private TaskView writeTask(Actor actor, Function<Change, Task> work) {
    return write(actor, c -> Views.view(c.tx, work.apply(c)));
  }

  // ---- reading ---------------------------------------------------------------------------

  @Override
  public List<TaskView> list(TaskQuery query) {
    if (query.limit() <= 0) {
      throw KanbanException.invalid("limit must be at least 1");
    }
    return store.read(tx -> Views.views(tx, tx.taskList(query)));
  }

  @Override
  public TaskDetail show(String taskId, int eventLimit) {
    TaskIds.require(taskId);
    return store.read(tx -> Views.detail(tx, tx.taskGet(taskId).orElseThrow(() -> notFound(taskId)), eventLimit));
  }

  @Override
  public String context(String taskId) {
    TaskIds.require(taskId);
    return store.read(tx -> WorkerContext.build(tx, tx.taskGet(taskId).orElseThrow(() -> notFound(taskId)),
        files, board, clock.now()));
  }

  @Override
  public List<Run> runs(String taskId) {
    TaskIds.require(taskId);
    return store.read(tx -> {
      tx.taskGet(taskId).orElseThrow(() -> notFound(taskId));
      return tx.runList(taskId);
    });
  }

  @Override
  public List<Event> events(long afterId, String taskId, int limit) {
    if (taskId != null) {
      TaskIds.require(taskId);
    }
    if (limit <= 0) {
      throw KanbanException.invalid("limit must be at least 1");
    }
    return store.read(tx -> tx.eventList(new EventQuery(afterId, taskId, limit, false)));
  }

  @Override
  public List<Attachment> attachments(String taskId) {
    TaskIds.require(taskId);
    return store.read(tx -> {
      tx.taskGet(taskId).orElseThrow(() -> notFound(taskId));
      return tx.attachmentList(taskId);
    });
  }

  @Override
  public BoardStats stats() {
    long now = clock.now();
    return store.read(tx -> new BoardStats(board, tx.taskCountByStatus(), tx.taskCountByAssignee(),
        tx.runCountByOutcome(), tx.taskOldestReadySince().map(since -> now - since).orElse(null),
        tx.eventCount(), now));
  }

  private KanbanException notFound(String taskId) {
    return KanbanException.notFound("no task " + taskId + " on board '" + board + "'");
  }

  // ---- creating and editing --------------------------------------------------------------

  @Override
  public CreateResult create(CreateTask r) {
    String title = TextRules.title(r.title());
    String body = TextRules.body(r.body());
    String assignee = TextRules.assignee(r.assignee());
    String tenant = TextRules.name("tenant", r.tenant());
    int priority = TextRules.priority(r.priority() == null ? 0 : r.priority());
    Integer maxRetries = TextRules.maxRetries(r.maxRetries());
    String key = TextRules.idempotencyKey(r.idempotencyKey());
    if (r.maxRuntimeMs() != null && r.maxRuntimeMs() <= 0) {
      throw KanbanException.invalid("max runtime must be positive");
    }
    List<String> parents = new ArrayList<>(new LinkedHashSet<>(r.parents()));
    parents.forEach(TaskIds::require);
    return write(r.actor(), c -> {
      c.fenceRun("create");
      if (key != null) {
        var existing = c.tx.taskIdByDedupeSlot(key);
        if (existing.isPresent()) {
          return new CreateResult(Views.view(c.tx, c.load(existing.get())), false);
        }
      }
      Map<String, Status> parentStatuses = c.tx.taskStatuses(parents);
      for (String p : parents) {
        if (!parentStatuses.containsKey(p)) {
          throw KanbanException.notFound("unknown parent " + p + " on board '" + board + "'");
        }
      }
      String inheritedTenant = tenant;
      if (inheritedTenant == null) {
        for (String p : parents) {
          String pt = c.load(p).tenant();
          if (pt != null) {
            inheritedTenant = pt;
            break;
          }
        }
      }
      List<String> pending = parents.stream()
          .filter(p -> !parentStatuses.get(p).satisfiesDependency())
          .map(p -> p + " (" + parentStatuses.get(p).wire() + ")")
          .toList();
      TaskFacts facts = TaskFacts.of(Status.TODO).withPendingParents(pending)
          .withTriageRequested(r.triage())
          .withScheduledInFuture(r.scheduledAt() != null && r.scheduledAt() > c.now);
      Status landing = StateMachine.decide(Verb.CREATE, "new task", facts).to();
      String id = TaskIds.next();
      while (c.tx.taskGet(id).isPresent()) {
        id = TaskIds.next();
      }
      Task t = Task.builder(id, title, c.now).body(body).assignee(assignee).status(landing).priority(priority)
          .tenant(inheritedTenant).createdBy(c.actor.name()).idempotencyKey(key)
          .dedupeScope(r.dedupeScope() == null ? DedupeScope.OPEN : r.dedupeScope())
          .workspace(r.workspace() == null ? Workspace.SCRATCH : r.workspace())
          .scheduledAt(r.scheduledAt()).maxRuntimeMs(r.maxRuntimeMs()).maxRetries(maxRetries).build();
      c.tx.taskInsert(t);
      for (String p : parents) {
        c.tx.linkInsert(new Link(p, id, c.now));
      }
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("status", landing.wire());
      payload.put("title", title);
      payload.put("assignee", assignee);
      payload.put("priority", priority);
      payload.put("parents", parents);
      if (key != null) {
        payload.put("idempotency_key", key);
      }
      c.event(t, null, EventKind.CREATED, payload);
      return new CreateResult(new TaskView(t, parents, List.of()), true);
    });
  }

  @Override
  public TaskView edit(EditTask r) {
    TaskIds.require(r.taskId());
    if (r.isEmpty()) {
      throw KanbanException.invalid("nothing to change: give at least one of --title, --body, --priority, --tenant, "
          + "--max-runtime, --max-retries, --workspace");
    }
    String title = r.title() == null ? null : TextRules.title(r.title());
    String body = r.body() == null ? null : TextRules.body(r.body());
    Integer priority = r.priority() == null ? null : TextRules.priority(r.priority());
    String tenant = r.tenant() == null ? null : TextRules.name("tenant", r.tenant());
    Integer maxRetries = TextRules.maxRetries(r.maxRetries());
    if (r.maxRuntimeMs() != null && r.maxRuntimeMs() <= 0) {
      throw KanbanException.invalid("max runtime must be positive");
    }
    return writeTask(r.actor(), c -> {
      Task t = c.load(r.taskId());
      c.fenceOwnTask(t, "edit");
      if (t.status() == Status.ARCHIVED) {
        throw KanbanException.refused("cannot edit " + t.id() + ": it is archived");
      }
      if (r.workspace() != null && t.status() == Status.RUNNING) {
        throw KanbanException.refused("cannot change the workspace of " + t.id() + " while it runs");
      }
      Task.Builder b = t.toBuilder();
      List<String> changed = new ArrayList<>();
      if (title != null && !title.equals(t.title())) { b.title(title); changed.add("title"); }
      if (body != null && !body.equals(t.body())) { b.body(body); changed.add("body"); }
      if (priority != null && priority != t.priority()) { b.priority(priority); changed.add("priority"); }
      if (tenant != null && !tenant.equals(t.tenant())) { b.tenant(tenant); changed.add("tenant"); }
      if (r.clearMaxRuntime() && t.maxRuntimeMs() != null) { b.maxRuntimeMs(null); changed.add("max_runtime_ms"); }
      if (r.maxRuntimeMs() != null && !r.maxRuntimeMs().equals(t.maxRuntimeMs())) {
        b.maxRuntimeMs(r.maxRuntimeMs());
        changed.add("max_runtime_ms");
      }
      if (maxRetries != null && !maxRetries.equals(t.maxRetries())) { b.maxRetries(maxRetries); changed.add("max_retries"); }
      if (r.workspace() != null && !r.workspace().equals(t.workspace())) { b.workspace(r.workspace()); changed.add("workspace"); }
      if (changed.isEmpty()) {
        return t;
      }
      Task edited = c.save(b);
      c.event(edited, null, EventKind.EDITED, Map.of("fields", changed));
      return edited;
    });
  }

  @Override
  public TaskView assign(String taskId, String assignee, boolean reclaim, Actor actor) {
    TaskIds.require(taskId);
    String to = TextRules.assignee(assignee);
    return writeTask(actor, c -> {
      Task t = c.load(taskId);
      c.fenceOwnTask(t, "assign");
      if (t.status() == Status.ARCHIVED) {
        throw KanbanException.refused("cannot assign " + t.id() + ": it is archived");
      }
      if (java.util.Objects.equals(to, t.assignee())) {
        return t;
      }
      Run closed = null;
      if (t.status() == Status.RUNNING) {
        if (!reclaim) {
          throw KanbanException.refused("cannot reassign " + t.id() + " while run " + t.currentRunId()
              + " works on it; pass --reclaim to stop that run and reassign");
        }
        Status back = c.to(Verb.RECLAIM, t, c.facts(t));
        closed = c.closeRun(c.openRun(t), RunEnd.cancelled("reassigned to " + to + " by " + actor.name()), true);
        t = c.save(t.toBuilder().status(back).currentRunId(null));
      }
      // A different assignee is a fresh start for the breaker (spec §3.5).
      Task assigned = c.save(org.agentkanban.domain.CircuitBreaker.reset(t.toBuilder()).assignee(to));
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("from", t.assignee());
      p.put("to", to);
      if (closed != null) {
        p.put("cancelled_run_id", closed.id());
      }
      c.event(assigned, null, EventKind.ASSIGNED, p);
      return assigned;
    });
  }

  @Override
  public TaskView link(String parentId, String childId, Actor actor) {
    TaskIds.require(parentId);
    TaskIds.require(childId);
    if (parentId.equals(childId)) {
      throw KanbanException.refused("cannot link " + parentId + " to itself: a task cannot depend on itself");
    }
    return writeTask(actor, c -> {
      c.fenceRun("link");
      c.load(parentId);
      Task child = c.load(childId);
      if (c.tx.linkParents(childId).stream().anyMatch(l -> l.parentId().equals(parentId))) {
        return child;
      }
      if (c.tx.linkPathExists(childId, parentId)) {
        throw KanbanException.refused("cannot link " + parentId + " -> " + childId + ": " + childId
            + " already leads to " + parentId + ", so the link would make a cycle");
      }
      c.tx.linkInsert(new Link(parentId, childId, c.now));
      c.event(child, null, EventKind.LINKED, Map.of("parent", parentId));
      TaskFacts facts = c.facts(child);
      if (StateMachine.allows(Verb.DEPEND, facts)) {
        child = c.save(child.toBuilder().status(c.to(Verb.DEPEND, child, facts)));
        c.event(child, null, EventKind.DEPENDENCY_WAIT, Map.of("parent", parentId, "status", child.status().wire()));
      } else {
        child = c.load(childId);
      }
      return child;
    });
  }

  @Override
  public TaskView unlink(String parentId, String childId, Actor actor) {
    TaskIds.require(parentId);
    TaskIds.require(childId);
    return writeTask(actor, c -> {
      c.fenceRun("unlink");
      Task child = c.load(childId);
      if (!c.tx.linkDelete(parentId, childId)) {
        throw KanbanException.notFound("no link " + parentId + " -> " + childId + " on board '" + board + "'");
      }
      c.event(child, null, EventKind.UNLINKED, Map.of("parent", parentId));
      TaskFacts facts = TaskFacts.of(child).withPendingParents(c.pendingParents(childId));
      if (child.status() == Status.TODO && StateMachine.allows(Verb.PROMOTE_READY, facts)) {
        Status to = c.to(Verb.PROMOTE_READY, child, facts);
        child = c.save(child.toBuilder().status(to));
        c.event(child, null, EventKind.PROMOTED, Map.of("status", to.wire()));
      }
      return child;
    });
  }

  @Override
  public Comment comment(String taskId, String body, Actor actor) {
    TaskIds.require(taskId);
    String text = TextRules.comment(body);
    return write(actor, c -> {
      Task t = c.load(taskId);
      // A worker may comment on other tasks too, as long as its own run is still current.
      if (c.actsForAnotherTask(t)) {
        c.fenceRun("comment");
      } else {
        c.fence(t, "comment");
      }
      Comment comment = new Comment(0, t.id(), actor.name(), text, c.now);
      long id = c.tx.commentInsert(comment);
      c.event(t, actor.runId(), EventKind.COMMENTED, Map.of("comment_id", id, "length", text.length()));
      return new Comment(id, t.id(), actor.name(), text, c.now);
    });
  }

  @Override
  public Attachment attach(String taskId, Path file, String name, String contentType, Actor actor) {
    TaskIds.require(taskId);
    String display = AttachmentFiles.requireName(name != null ? name
        : (file.getFileName() == null ? "" : file.getFileName().toString()));
    String type = AttachmentFiles.contentType(display, contentType);
    AttachmentFiles.requireSource(file, settings.attachmentMaxBytes());
    store.read(tx -> tx.taskGet(taskId).orElseThrow(() -> notFound(taskId)));
    AttachmentFiles.Stored stored = AttachmentFiles.copyIn(file, files.attachmentsOf(taskId), display, settings.attachmentMaxBytes());
    try {
      return write(actor, c -> {
        Task t = c.load(taskId);
        c.fence(t, "attach");
        Set<String> taken = c.tx.attachmentList(taskId).stream().map(Attachment::filename).collect(Collectors.toSet());
        String unique = AttachmentFiles.unique(display, taken);
        Attachment a = new Attachment(0, taskId, unique, stored.storedName(), type, stored.size(), stored.sha256(),
            actor.name(), c.now);
        long id = c.tx.attachmentInsert(a);
        c.event(t, null, EventKind.ATTACHED, Map.of("attachment_id", id, "filename", unique, "size", stored.size()));
        return new Attachment(id, taskId, unique, stored.storedName(), type, stored.size(), stored.sha256(), actor.name(), c.now);
      });
    } catch (RuntimeException e) {
      deleteQuietly(stored.path());
      throw e;
    }
  }

  @Override
  public void attachRemove(long attachmentId, Actor actor) {
    write(actor, c -> {
      Attachment a = c.tx.attachmentGet(attachmentId).orElseThrow(() ->
          KanbanException.notFound("no attachment " + attachmentId + " on board '" + board + "'"));
      Task t = c.load(a.taskId());
      c.fenceOwnTask(t, "attach-rm");
      c.tx.attachmentDelete(attachmentId);
      c.event(t, null, EventKind.ATTACHMENT_REMOVED, Map.of("attachment_id", attachmentId, "filename", a.filename()));
      c.afterCommit(() -> deleteQuietly(files.attachmentsOf(a.taskId()).resolve(a.storedName())));
      return null;
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------

  @Override
  public Claim claim(String taskId, long leaseTtlMs, Actor actor) {
    TaskIds.require(taskId);
    return write(actor, c -> {
      Claim claim = lifecycle.claim(c, taskId, leaseTtlMs);
      return new Claim(Views.view(c.tx, claim.view().task()), claim.run(), claim.runToken());
    });
  }

  @Override
  public TaskView heartbeat(String taskId, String note, Actor actor) {
    TaskIds.require(taskId);
    String n = TextRules.reason(note);
    return writeTask(actor, c -> lifecycle.heartbeat(c, taskId, n));
  }

  @Override
  public TaskView complete(String taskId, String summary, String metadataJson, boolean force, Actor actor) {
    TaskIds.require(taskId);
    String s = TextRules.summary(summary);
    String m = metadata(metadataJson);
    return writeTask(actor, c -> lifecycle.complete(c, taskId, s, m, force));
  }

  @Override
  public TaskView block(String taskId, String reason, BlockKind kind, Actor actor) {
    TaskIds.require(taskId);
    String r = TextRules.reason(reason);
    return writeTask(actor, c -> lifecycle.block(c, taskId, r, kind));
  }

  @Override
  public TaskView unblock(String taskId, String reason, Actor actor) {
    TaskIds.require(taskId);
    String r = TextRules.reason(reason);
    return writeTask(actor, c -> lifecycle.unblock(c, taskId, r));
  }

  @Override
  public TaskView promote(String taskId, String reason, Actor actor) {
    TaskIds.require(taskId);
    String r = TextRules.reason(reason);
    return writeTask(actor, c -> lifecycle.promote(c, taskId, r));
  }

  @Override
  public TaskView schedule(String taskId, long at, String reason, Actor actor) {
    TaskIds.require(taskId);
    String r = TextRules.reason(reason);
    return writeTask(actor, c -> lifecycle.schedule(c, taskId, at, r));
  }

  @Override
  public TaskView requestReview(String taskId, String summary, String metadataJson, String reviewer, Actor actor) {
    TaskIds.require(taskId);
    String s = TextRules.summary(summary);
    String m = metadata(metadataJson);
    String rv = TextRules.assignee(reviewer);
    return writeTask(actor, c -> lifecycle.requestReview(c, taskId, s, m, rv));
  }

  @Override
  public TaskView requestChanges(String taskId, String reason, Actor actor) {
    TaskIds.require(taskId);
    String r = TextRules.reason(reason);
    return writeTask(actor, c -> lifecycle.requestChanges(c, taskId, r));
  }

  @Override
  public TaskView reopenReview(String taskId, String reason, Actor actor) {
    TaskIds.require(taskId);
    String r = TextRules.reason(reason);
    return writeTask(actor, c -> lifecycle.reopenReview(c, taskId, r));
  }

  @Override
  public TaskView reclaim(String taskId, String reason, Actor actor) {
    TaskIds.require(taskId);
    String r = TextRules.reason(reason);
    return writeTask(actor, c -> lifecycle.reclaim(c, taskId, r));
  }

  @Override
  public TaskView archive(String taskId, String reason, Actor actor) {
    TaskIds.require(taskId);
    String r = TextRules.reason(reason);
    return writeTask(actor, c -> lifecycle.archive(c, taskId, r));
  }

  @Override
  public void delete(String taskId, Actor actor) {
    TaskIds.require(taskId);
    write(actor, c -> {
      Task t = c.load(taskId);
      c.to(Verb.DELETE, t, TaskFacts.of(t));
      c.tx.taskDelete(taskId);
      c.tx.eventAppend(new Event(0, null, null, EventKind.TASK_DELETED, actor.name(),
          Json.object(Map.of("task_id", taskId, "title", t.title())), c.now));
      c.afterCommit(() -> deleteTaskFiles(taskId));
      return null;
    });
  }

  @Override
  public TaskView endRun(String taskId, long runId, RunEnd end, Actor actor) {
    TaskIds.require(taskId);
    return writeTask(actor, c -> lifecycle.endRun(c, taskId, runId, end));
  }

  // ---- maintenance -----------------------------------------------------------------------

  @Override
  public TickResult tick() {
    long now = clock.now();
    boolean anythingDue = store.read(tx -> !tx.taskListDueScheduled(now, 1).isEmpty()
        || tx.runListLeaseExpired(now, TICK_BATCH).stream().anyMatch(LocalBoardService::leaseIsTheTicks));
    if (!anythingDue) {
      // The gateway ticks on every wake-up: most find nothing due and must not take the write lock.
      return new TickResult(List.of(), List.of());
    }
    Actor board = Actor.person("kanban");
    return write(board, c -> {
      List<String> woken = new ArrayList<>();
      for (Task t : c.tx.taskListDueScheduled(c.now, TICK_BATCH)) {
        TaskFacts facts = TaskFacts.of(t).withPendingParents(c.pendingParents(t.id()));
        Status to = c.to(Verb.SCHEDULE_DUE, t, facts);
        Task due = c.save(t.toBuilder().status(to));
        c.event(due, null, EventKind.SCHEDULE_DUE, Map.of("scheduled_at", t.scheduledAt(), "status", to.wire()));
        woken.add(t.id());
      }
      List<String> released = new ArrayList<>();
      for (Run run : c.tx.runListLeaseExpired(c.now, TICK_BATCH)) {
        if (!leaseIsTheTicks(run)) {
          continue;
        }
        Task t = c.load(run.taskId());
        lifecycle.releaseExpiredLease(c, t, run);
        released.add(t.id());
      }
      return new TickResult(woken, released);
    });
  }

  /**
   * Runs with a worker process are the dispatcher's: it knows whether the worker lives. So are runs
   * the gateway claimed without a recorded worker: a gateway killed between starting a worker and
   * recording it leaves one, and only a dispatcher can look for that worker before the task may
   * run again (releasing it here would let the next gateway start a second worker beside it).
   */
  private static boolean leaseIsTheTicks(Run run) {
    return run.workerPid() == null && !Dispatching.GATEWAY.equals(run.claimedBy());
  }

  @Override
  public GcResult gc(long eventRetentionMs, long logRetentionMs) {
    if (eventRetentionMs <= 0 || logRetentionMs <= 0) {
      throw KanbanException.invalid("retention must be positive");
    }
    long now = clock.now();
    int events = write(Actor.person("kanban"), c -> {
      int n = c.tx.eventDeleteOfFinishedTasksBefore(c.now - eventRetentionMs);
      c.tx.eventAppend(new Event(0, null, null, EventKind.GC, c.actor.name(),
          Json.object(Map.of("events_deleted", n)), c.now));
      return n;
    });
    Set<String> finished = new HashSet<>();
    store.read(tx -> tx.taskList(new TaskQuery(Set.of(Status.DONE, Status.ARCHIVED), null, null, true,
        Integer.MAX_VALUE, null))).forEach(t -> finished.add(t.id()));
    long[] removed = {0, 0};
    if (Files.isDirectory(files.logs())) {
      try (Stream<Path> dirs = Files.list(files.logs())) {
        for (Path dir : dirs.filter(d -> finished.contains(d.getFileName().toString())).toList()) {
          try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
              if (Files.getLastModifiedTime(log).toMillis() < now - logRetentionMs) {
                removed[1] += Files.size(log);
                Files.delete(log);
                removed[0]++;
              }
            }
          }
        }
      } catch (IOException e) {
        throw KanbanException.unavailable("cannot clean logs in " + files.logs() + ": " + e.getMessage(), e);
      }
    }
    return new GcResult(events, (int) removed[0], removed[1]);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static String metadata(String json) {
    String m = Json.requireObject("metadata", json);
    if (m != null && m.length() > TextRules.METADATA_MAX_BYTES) {
      throw KanbanException.invalid("metadata is larger than " + TextRules.METADATA_MAX_BYTES + " bytes");
    }
    return m;
  }

  private void deleteTaskFiles(String taskId) {
    try {
      ManagedDirectories.deleteTree(files.attachments(), files.attachmentsOf(taskId));
      ManagedDirectories.deleteTree(files.logs(), files.logsOf(taskId));
      ManagedDirectories.deleteTree(files.workspaces(), files.workspaceOf(taskId));
    } catch (IOException e) {
      // The task is gone from the board; leftover files are reported by 'kanban doctor'.
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // an orphan file is harmless and 'kanban doctor' lists it
    }
  }

  @Override
  public void close() {
    store.close();
  }

}
