package org.agentkanban.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.BlockRouting;
import org.agentkanban.domain.CircuitBreaker;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.TaskFacts;
import org.agentkanban.domain.TextRules;
import org.agentkanban.domain.Verb;

/**
 * The verbs that move a task through its statuses. Each method runs inside one {@link Change}
 * (one transaction): load, fence, decide with the state machine, save, write the event.
 */
final class Lifecycle {
  private final int boardMaxRetries;

  Lifecycle(int boardMaxRetries) {
    this.boardMaxRetries = boardMaxRetries;
  }

  Claim claim(Change c, String taskId, long leaseTtlMs) {
    if (leaseTtlMs <= 0) {
      throw KanbanException.invalid("lease TTL must be positive");
    }
    Task t = c.load(taskId);
    Status to = c.to(Verb.CLAIM, t, c.facts(t));
    Status lane = t.status() == Status.REVIEW ? Status.REVIEW : Status.READY;
    String token = RunTokens.newToken();
    Run run = c.tx.runInsert(Run.opened(t.id(), lane, t.assignee(), c.actor.name(), RunTokens.hash(token),
        leaseTtlMs, t.maxRuntimeMs(), c.now));
    Task claimed = c.save(t.toBuilder().status(to).currentRunId(run.id())
        .startedAt(t.startedAt() == null ? c.now : t.startedAt()));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("run_id", run.id());
    p.put("lane", lane.wire());
    p.put("claimed_by", c.actor.name());
    p.put("lease_expires_at", run.leaseExpiresAt());
    c.event(claimed, run.id(), EventKind.CLAIMED, p);
    return new Claim(new TaskView(claimed, List.of(), List.of()), run, token);
  }

  Task heartbeat(Change c, String taskId, String note) {
    Task t = c.load(taskId);
    c.fence(t, "heartbeat");
    c.to(Verb.HEARTBEAT, t, TaskFacts.of(t));
    Run run = c.openRun(t).heartbeat(c.now);
    c.saveRun(run);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("lease_expires_at", run.leaseExpiresAt());
    if (note != null) {
      p.put("note", note);
    }
    c.event(t, run.id(), EventKind.HEARTBEAT, p);
    return t;
  }

  Task complete(Change c, String taskId, String summary, String metadata, boolean force) {
    Task t = c.load(taskId);
    c.fence(t, "complete");
    Status to = c.to(Verb.COMPLETE, t, c.facts(t));
    Run run = c.openRun(t);
    if (run != null && run.workerPid() != null && !c.actor.isFenced() && !force) {
      throw KanbanException.refused("cannot complete " + t.id() + ": worker pid " + run.workerPid() + " is running it"
          + " (run " + run.id() + "); pass --force to complete it anyway and stop the worker");
    }
    RunEnd end = RunEnd.completed(summary, metadata);
    Long runId = null;
    if (run != null) {
      runId = c.closeRun(run, end, !c.actor.isFenced()).id();
    } else if (summary != null || metadata != null) {
      runId = c.tx.runInsert(Run.synthetic(t.id(), t.assignee(), c.actor.name(), end, c.now)).id();
    }
    Task done = c.save(CircuitBreaker.reset(t.toBuilder()).status(to).completedAt(c.now).currentRunId(null)
        .blockKind(null).blockRecurrences(0).blockReason(null).resumeStatus(Status.READY));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("run_id", runId);
    if (summary != null) {
      p.put("summary", firstLine(summary, 400));
    }
    c.event(done, runId, EventKind.COMPLETED, p);
    c.promoteChildrenOf(t.id());
    return done;
  }

  Task block(Change c, String taskId, String reason, BlockKind kind) {
    Task t = c.load(taskId);
    c.fence(t, "block");
    BlockRouting.Route route = BlockRouting.route(t.blockKind(), t.blockRecurrences(), kind);
    TaskFacts facts = c.facts(t).withBlock(kind, route.loop());
    Status to = c.to(Verb.BLOCK, t, facts);
    Run run = c.openRun(t);
    Status resume = t.resumeStatus();
    if (run != null) {
      c.closeRun(run, RunEnd.blocked(reason), !c.actor.isFenced());
      resume = run.lane();
    }
    Task blocked = c.save(t.toBuilder().status(to).currentRunId(null).blockReason(reason)
        .blockKind(route.kind()).blockRecurrences(route.recurrences()).resumeStatus(resume));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("reason", reason);
    p.put("kind", kind == null ? null : kind.wire());
    p.put("recurrences", route.recurrences());
    p.put("source_status", t.status().wire());
    EventKind eventKind = switch (to) {
      case TODO -> EventKind.DEPENDENCY_WAIT;
      case TRIAGE -> {
        p.put("limit", BlockRouting.RECURRENCE_LIMIT);
        yield EventKind.BLOCK_LOOP_DETECTED;
      }
      default -> EventKind.BLOCKED;
    };
    c.event(blocked, run == null ? null : run.id(), eventKind, p);
    return blocked;
  }

  Task unblock(Change c, String taskId, String reason) {
    Task t = c.load(taskId);
    c.fenceOwnTask(t, "unblock");
    Status to = c.to(Verb.UNBLOCK, t, c.facts(t));
    Task unblocked = c.save(CircuitBreaker.reset(t.toBuilder()).status(to).blockReason(null)
        .scheduledAt(t.status() == Status.SCHEDULED ? null : t.scheduledAt()));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("from", t.status().wire());
    p.put("status", to.wire());
    p.put("reason", reason);
    c.event(unblocked, null, EventKind.UNBLOCKED, p);
    return unblocked;
  }

  Task promote(Change c, String taskId, String reason) {
    Task t = c.load(taskId);
    c.fenceOwnTask(t, "promote");
    Status to = c.to(Verb.PROMOTE, t, c.facts(t));
    Task promoted = c.save(t.toBuilder().status(to).blockReason(null)
        .scheduledAt(t.status() == Status.SCHEDULED ? null : t.scheduledAt()));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("from", t.status().wire());
    p.put("status", to.wire());
    p.put("reason", reason);
    c.event(promoted, null, EventKind.PROMOTED_MANUAL, p);
    return promoted;
  }

  Task schedule(Change c, String taskId, long at, String reason) {
    if (at <= c.now) {
      throw KanbanException.invalid("the schedule time is in the past; give a time ahead, e.g. +30m");
    }
    Task t = c.load(taskId);
    c.fence(t, "schedule");
    Status to = c.to(Verb.SCHEDULE, t, c.facts(t));
    Run run = c.openRun(t);
    Status resume = t.resumeStatus();
    if (run != null) {
      c.closeRun(run, RunEnd.cancelled("scheduled for later by " + c.actor.name()), !c.actor.isFenced());
      resume = run.lane();
    }
    Task scheduled = c.save(t.toBuilder().status(to).currentRunId(null).scheduledAt(at).resumeStatus(resume));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("from", t.status().wire());
    p.put("at", at);
    p.put("reason", reason);
    c.event(scheduled, run == null ? null : run.id(), EventKind.SCHEDULED, p);
    return scheduled;
  }

  Task requestReview(Change c, String taskId, String summary, String metadata, String reviewer) {
    Task t = c.load(taskId);
    c.fence(t, "request-review");
    Status to = c.to(Verb.REQUEST_REVIEW, t, c.facts(t));
    Run run = c.openRun(t);
    RunEnd end = RunEnd.reviewRequested(summary, metadata);
    Long runId = null;
    if (run != null) {
      runId = c.closeRun(run, end, !c.actor.isFenced()).id();
    } else if (summary != null || metadata != null) {
      runId = c.tx.runInsert(Run.synthetic(t.id(), t.assignee(), c.actor.name(), end, c.now)).id();
    }
    Task.Builder b = t.toBuilder().status(to).currentRunId(null).resumeStatus(Status.REVIEW)
        .reviewImplementer(t.assignee());
    if (reviewer != null) {
      b.assignee(reviewer);
    }
    Task review = c.save(b);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("run_id", runId);
    p.put("summary", summary == null ? null : firstLine(summary, 400));
    p.put("reviewer", review.assignee());
    c.event(review, runId, EventKind.REVIEW_REQUESTED, p);
    return review;
  }

  Task requestChanges(Change c, String taskId, String reason) {
    Task t = c.load(taskId);
    c.fence(t, "request-changes");
    Status to = c.to(Verb.REQUEST_CHANGES, t, c.facts(t));
    Run run = c.closeRun(c.openRun(t), RunEnd.changesRequested(reason), !c.actor.isFenced());
    Task changed = c.save(backToImplementer(t).status(to).currentRunId(null));
    if (reason != null) {
      c.tx.commentInsert(new Comment(0, t.id(), c.actor.name(), "CHANGES REQUESTED: " + reason, c.now));
    }
    c.event(changed, run.id(), EventKind.CHANGES_REQUESTED, mapOf("reason", reason, "status", to.wire()));
    return changed;
  }

  Task reopenReview(Change c, String taskId, String reason) {
    Task t = c.load(taskId);
    c.fenceOwnTask(t, "reopen-review");
    Status to = c.to(Verb.REOPEN_REVIEW, t, c.facts(t));
    Task reopened = c.save(backToImplementer(t).status(to));
    if (reason != null) {
      c.tx.commentInsert(new Comment(0, t.id(), c.actor.name(), "CHANGES REQUESTED: " + reason, c.now));
    }
    c.event(reopened, null, EventKind.REVIEW_REOPENED, mapOf("reason", reason, "status", to.wire()));
    return reopened;
  }

  private static Task.Builder backToImplementer(Task t) {
    Task.Builder b = t.toBuilder().resumeStatus(Status.READY).reviewImplementer(null);
    if (t.reviewImplementer() != null) {
      b.assignee(t.reviewImplementer());
    }
    return b;
  }

  Task reclaim(Change c, String taskId, String reason) {
    Task t = c.load(taskId);
    c.fenceOwnTask(t, "reclaim");
    Status to = c.to(Verb.RECLAIM, t, c.facts(t));
    Run run = c.closeRun(c.openRun(t), RunEnd.reclaimed(reason == null ? "reclaimed by " + c.actor.name() : reason), true);
    // An operator's reclaim is a fresh start: the breaker forgets (spec §3.5).
    Task released = c.save(CircuitBreaker.reset(t.toBuilder()).status(to).currentRunId(null));
    c.event(released, run.id(), EventKind.RECLAIMED, mapOf("run_id", run.id(), "reason", reason, "status", to.wire()));
    return released;
  }

  /** A lease ran out with no live worker behind it: no blame, back in line. */
  Task releaseExpiredLease(Change c, Task t, Run run) {
    return release(c, t, run, "lease expired at " + run.leaseExpiresAt() + " without a heartbeat");
  }

  /** Releases a run whose worker is gone without blame (not a failure): back in line. */
  Task release(Change c, Task t, Run run, String reason) {
    Status to = c.to(Verb.LEASE_EXPIRED, t, c.facts(t));
    c.closeRun(run, RunEnd.reclaimed(reason), false);
    Task released = c.save(t.toBuilder().status(to).currentRunId(null));
    c.event(released, run.id(), EventKind.RECLAIMED,
        mapOf("run_id", run.id(), "reason", reason, "status", to.wire()));
    return released;
  }

  Task archive(Change c, String taskId, String reason) {
    Task t = c.load(taskId);
    c.fenceOwnTask(t, "archive");
    Status to = c.to(Verb.ARCHIVE, t, c.facts(t));
    Run run = c.openRun(t);
    if (run != null) {
      c.closeRun(run, RunEnd.cancelled("archived by " + c.actor.name()), true);
    }
    Task archived = c.save(t.toBuilder().status(to).currentRunId(null));
    c.event(archived, run == null ? null : run.id(), EventKind.ARCHIVED, mapOf("from", t.status().wire(), "reason", reason));
    c.promoteChildrenOf(t.id());
    return archived;
  }

  /**
   * A run ended badly, as the dispatcher observed it. Crashes, timeouts and spawn failures count
   * toward the breaker; protocol violations have their own streak; rate limits are bounded in a
   * window. When a budget is exhausted the task is blocked with the reason and the run is closed
   * {@code gave_up}.
   */
  Task endRun(Change c, String taskId, long runId, RunEnd end) {
    return endRun(c, taskId, runId, end, null);
  }

  /**
   * As {@link #endRun(Change, String, long, RunEnd)}; with {@code retryAt}, a rate limit or an
   * infrastructure failure parks the task in {@code scheduled} until then instead of making it
   * ready at once.
   */
  Task endRun(Change c, String taskId, long runId, RunEnd end, Long retryAt) {
    return endRun(c, taskId, runId, end, retryAt, null);
  }

  /**
   * As {@link #endRun(Change, String, long, RunEnd, Long)}, with the retry budget of tasks that set
   * none taken from {@code defaultMaxRetries} (the gateway's config.yaml) instead of the board's.
   */
  Task endRun(Change c, String taskId, long runId, RunEnd end, Long retryAt, Integer defaultMaxRetries) {
    int boardMaxRetries = defaultMaxRetries != null ? defaultMaxRetries : this.boardMaxRetries;
    Task t = c.load(taskId);
    if (t.currentRunId() == null || t.currentRunId() != runId) {
      throw KanbanException.conflict("run " + runId + " is no longer the current run of " + taskId);
    }
    Run run = c.openRun(t);
    Task.Builder next = t.toBuilder();
    boolean tripped;
    boolean cooldown = false;
    String budget;
    switch (end.outcome()) {
      case SPAWN_FAILED -> {
        if (end.infrastructure()) {
          tripped = false;
          cooldown = true;
          budget = "infrastructure failures do not count";
        } else {
          int failures = t.consecutiveFailures() + 1;
          int max = CircuitBreaker.effectiveMaxRetries(t, boardMaxRetries);
          tripped = CircuitBreaker.tripsAfterFailure(failures, max);
          budget = failures + " consecutive failures (max retries " + max + ")";
          next.consecutiveFailures(failures).protocolViolations(0);
        }
      }
      case CRASHED, TIMED_OUT -> {
        int failures = t.consecutiveFailures() + 1;
        int max = CircuitBreaker.effectiveMaxRetries(t, boardMaxRetries);
        tripped = CircuitBreaker.tripsAfterFailure(failures, max);
        budget = failures + " consecutive failures (max retries " + max + ")";
        next.consecutiveFailures(failures).protocolViolations(0);
      }
      case PROTOCOL_VIOLATION -> {
        int streak = t.protocolViolations() + 1;
        tripped = CircuitBreaker.tripsAfterProtocolViolation(streak, t.maxRetries());
        budget = streak + " runs in a row exited without complete, block or request-review";
        next.protocolViolations(streak);
      }
      case RATE_LIMITED -> {
        int requeues = c.tx.runCountSince(t.id(), RunOutcome.RATE_LIMITED, c.now - CircuitBreaker.RATE_LIMIT_WINDOW_MS) + 1;
        tripped = CircuitBreaker.tripsAfterRateLimit(requeues);
        cooldown = true;
        budget = requeues + " rate-limit requeues within 6 hours";
      }
      default -> throw new IllegalArgumentException("endRun records failures only, not " + end.outcome());
    }
    next.lastFailureError(end.error());
    boolean parked = cooldown && retryAt != null && retryAt > c.now;
    Status to = c.to(Verb.RUN_FAILED, t, c.facts(t).withBreakerTripped(tripped).withCooldown(parked));
    c.closeRun(run, tripped ? RunEnd.gaveUp(end) : end, false);
    if (tripped) {
      // The stored block kind and its count are left alone: they are cleared only by completion,
      // and a breaker trip is not a block of any kind (clearing the kind while keeping the count made
      // the next generic block look like a repeat).
      next.blockReason("gave up: " + budget + "; last error: " + end.error());
    }
    if (to == Status.SCHEDULED) {
      next.scheduledAt(retryAt);
    }
    Task after = c.save(next.status(to).currentRunId(null).resumeStatus(run.lane()));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("run_id", runId);
    p.put("error", end.error());
    p.put("exit_code", end.exitCode());
    p.put("status", to.wire());
    if (to == Status.SCHEDULED) {
      p.put("retry_at", retryAt);
    }
    if (end.infrastructure()) {
      p.put("infrastructure", true);
    }
    c.event(after, runId, EventKind.valueOf(end.outcome().name()), p);
    if (tripped) {
      c.event(after, runId, EventKind.GAVE_UP, mapOf("trigger_outcome", end.outcome().wire(), "budget", budget));
    }
    return after;
  }

  private static Map<String, Object> mapOf(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static String firstLine(String s, int max) {
    String line = s.lines().findFirst().orElse("");
    return line.length() <= max ? line : line.substring(0, max - 1) + "…";
  }

  static String reason(String raw) {
    return TextRules.reason(raw);
  }
}
