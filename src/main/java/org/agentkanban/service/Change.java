package org.agentkanban.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import org.agentkanban.domain.Verb;
import org.agentkanban.store.WriteTx;
import org.agentkanban.wire.Json;

/**
 * One write transaction seen from the service: the store's primitives plus the habits every verb
 * shares (load or not-found, facts, fencing, save with an event, promotion of waiting children).
 * Side effects outside the database are queued with {@link #afterCommit}.
 */
final class Change {
  final WriteTx tx;
  final long now;
  final Actor actor;
  private final String board;
  private final List<Runnable> afterCommit;
  private final BoardListener listener;
  /**
   * The run {@link #openRun} last read. A verb asks for it up to three times (fence, facts, the
   * close itself); run writes go through {@link #saveRun} and {@link #closeRun}, which keep it current.
   */
  private Run openRunRead;

  Change(WriteTx tx, long now, Actor actor, String board, List<Runnable> afterCommit, BoardListener listener) {
    this.tx = tx;
    this.now = now;
    this.actor = actor;
    this.board = board;
    this.afterCommit = afterCommit;
    this.listener = listener;
  }

  /** Thrown by {@link #fence} before anything is written; the service commits only its event. */
  static final class StaleWrite extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Event event;

    StaleWrite(String message, Event event) {
      super(message, null, false, false);
      this.event = event;
    }
  }

  Task load(String taskId) {
    return tx.taskGet(taskId)
        .orElseThrow(() -> KanbanException.notFound("no task " + taskId + " on board '" + board + "'"));
  }

  Run openRun(Task t) {
    if (t.currentRunId() == null) {
      return null;
    }
    if (openRunRead == null || openRunRead.id() != t.currentRunId()) {
      openRunRead = tx.runGet(t.currentRunId())
          .orElseThrow(() -> new IllegalStateException("task " + t.id() + " points at missing run " + t.currentRunId()));
    }
    return openRunRead;
  }

  /** Writes a change to an open run (compare-and-swap: it must still be open). */
  void saveRun(Run run) {
    tx.runUpdateIfOpen(run);
    openRunRead = run.isOpen() ? run : null;
  }

  /** Unfinished parents, as {@code "t_x (status)"}. */
  List<String> pendingParents(String taskId) {
    List<Link> parents = tx.linkParents(taskId);
    if (parents.isEmpty()) {
      return List.of();
    }
    Map<String, Status> statuses = tx.taskStatuses(parents.stream().map(Link::parentId).toList());
    List<String> pending = new ArrayList<>();
    for (Link l : parents) {
      Status s = statuses.get(l.parentId());
      if (s != null && !s.satisfiesDependency()) {
        pending.add(l.parentId() + " (" + s.wire() + ")");
      }
    }
    return pending;
  }

  TaskFacts facts(Task t) {
    Run run = openRun(t);
    return TaskFacts.of(t)
        .withPendingParents(pendingParents(t.id()))
        .withReviewLane(run != null && run.lane() == Status.REVIEW);
  }

  /**
   * Fencing: a write made for a run is accepted only while that run is the task's current open
   * run, and only with that run's token when one is presented. Must be called before any write.
   */
  void fence(Task t, String verb) {
    if (!actor.isFenced()) {
      return;
    }
    String problem = null;
    if (!Objects.equals(t.currentRunId(), actor.runId())) {
      problem = "run " + actor.runId() + " is no longer the current run of " + t.id()
          + " (the task is " + t.status().wire()
          + (t.currentRunId() == null ? "" : ", current run " + t.currentRunId()) + "); the " + verb
          + " was rejected";
    } else if (actor.runToken() != null && !RunTokens.matches(actor.runToken(), openRun(t).tokenHash())) {
      problem = "the run token does not match run " + actor.runId() + " of " + t.id() + "; the " + verb + " was rejected";
    }
    if (problem != null) {
      throw stale(problem, t, verb);
    }
  }

  /**
   * Fencing for the verbs people normally give (reclaim, archive, assign, edit, unblock, promote,
   * reopen-review, attach-rm). A worker may give them for other tasks (an orchestrator does), but
   * not for its own task once its run is no longer the current one: a reclaimed worker must not
   * reclaim, archive or rewrite its successor's task.
   */
  void fenceOwnTask(Task t, String verb) {
    if (actor.isFenced() && tx.runGet(actor.runId()).map(r -> r.taskId().equals(t.id())).orElse(false)) {
      fence(t, verb);
    }
  }

  /**
   * Fencing for the verbs a worker may also use beyond its own task (create, link, a comment on
   * another task): the actor's run must still be the current open run of the task it belongs to,
   * so a reclaimed or timed-out worker cannot add work either. Must be called before any write.
   */
  void fenceRun(String verb) {
    if (!actor.isFenced()) {
      return;
    }
    Run run = tx.runGet(actor.runId()).orElse(null);
    if (run == null) {
      throw stale("run " + actor.runId() + " does not exist on board '" + board + "'; the " + verb + " was rejected",
          null, verb);
    }
    fence(load(run.taskId()), verb);
  }

  /** Whether the actor writes for a run of another task than {@code t}. */
  boolean actsForAnotherTask(Task t) {
    return actor.isFenced() && tx.runGet(actor.runId()).map(r -> !r.taskId().equals(t.id())).orElse(false);
  }

  private StaleWrite stale(String problem, Task t, String verb) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("verb", verb);
    payload.put("run_id", actor.runId());
    payload.put("current_run_id", t == null ? null : t.currentRunId());
    payload.put("status", t == null ? null : t.status().wire());
    // The event links the run only if it is one of this task's runs: an unknown run id would break
    // the foreign key (losing the record), and another task's run would take the record with it
    // when that task is deleted. The payload keeps the id either way.
    Long runId = t == null ? null
        : tx.runGet(actor.runId()).filter(r -> r.taskId().equals(t.id())).map(Run::id).orElse(null);
    return new StaleWrite(problem, new Event(0, t == null ? null : t.id(), runId, EventKind.STALE_WRITE_REJECTED,
        actor.name(), Json.object(payload), now));
  }

  /** The status the verb leads to, or a refusal with the reason. */
  Status to(Verb verb, Task t, TaskFacts facts) {
    return StateMachine.decide(verb, t.id(), facts).to();
  }

  Task save(Task.Builder next) {
    return tx.taskUpdate(next.updatedAt(now).build());
  }

  long event(Task t, Long runId, EventKind kind, Map<String, ?> payload) {
    return tx.eventAppend(new Event(0, t.id(), runId, kind, actor.name(), Json.object(payload), now));
  }

  /** Closes the task's open run with {@code end}, telling listeners if a worker may still run it. */
  Run closeRun(Run run, RunEnd end, boolean workerMayBeAlive) {
    Run closed = run.closed(end, now);
    saveRun(closed);
    if (workerMayBeAlive && run.workerPid() != null) {
      afterCommit(() -> listener.runClosedUnderWorker(run.taskId(), closed));
    }
    return closed;
  }

  void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  /**
   * After a task finished (done or archived), its waiting children whose parents are now all
   * finished become dispatchable, in the same transaction.
   */
  void promoteChildrenOf(String parentId) {
    for (Link link : tx.linkChildren(parentId)) {
      Task child = tx.taskGet(link.childId()).orElse(null);
      if (child == null || child.status() != Status.TODO) {
        continue;
      }
      TaskFacts facts = TaskFacts.of(child).withPendingParents(pendingParents(child.id()));
      if (StateMachine.allows(Verb.PROMOTE_READY, facts)) {
        Status to = StateMachine.decide(Verb.PROMOTE_READY, child.id(), facts).to();
        Task promoted = save(child.toBuilder().status(to));
        event(promoted, null, EventKind.PROMOTED, Map.of("parent", parentId, "status", to.wire()));
      }
    }
  }
}
