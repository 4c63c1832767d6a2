package org.agentkanban.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.agentkanban.config.AssigneeConfig;
import org.agentkanban.config.GatewaySettings;
import org.agentkanban.config.KanbanConfig;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.Workspace;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Claim;
import org.agentkanban.service.DispatchOperations;
import org.agentkanban.service.DispatchOperations.OpenRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One board's dispatcher. It wakes on events (a write on this board, another process's write seen
 * through {@code data_version}, a worker exit, a config change) and on a safety tick, and each
 * {@link #runOnce()} does, in order: record worker exits; reconcile open runs (timeouts, lease
 * renewal, adoption after a restart, dead workers, orphaned claims, workers whose run someone else
 * ended); wake due scheduled tasks; claim and start workers within the caps. Everything that
 * changes the board happens on this one thread, so the gateway never races itself on a board.
 */
public final class Dispatcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final int LOG_TAIL_BYTES = 2_000;
  private static final int VIOLATION_TAIL_CHARS = 400;

  /** Everything the dispatcher needs from its gateway. */
  public record Wiring(
      String board, BoardService service, DispatchOperations ops, WorkerSupervisor supervisor,
      WorkerLauncher launcher, Workspaces workspaces, RunLogs logs, Supplier<KanbanConfig> config,
      Supplier<String> gatewayUrl, Path home, Clock clock, DispatchMetrics metrics) {}

  /** What the dispatcher measures. */
  public interface DispatchMetrics {
    DispatchMetrics NONE = (board, ms) -> {};

    /** A worker started {@code readyForMs} after its task became ready. */
    void spawned(String board, long readyForMs);
  }

  private record ExitNotice(WatchedWorker worker, Integer status) {}

  private final Wiring w;
  private final Semaphore wake = new Semaphore(0);
  private final ConcurrentLinkedQueue<ExitNotice> exits = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> runsClosedByOthers = new ConcurrentLinkedQueue<>();
  private final Set<Long> spawning = new HashSet<>();
  private final Map<String, String> waitingReasons = new HashMap<>();
  private volatile boolean running = true;
  private volatile boolean claiming = true;
  private volatile long nextWakeAt;
  /** Passes begun ("ticks"), for the metrics and the soak's tick count. */
  private final java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();

  public Dispatcher(Wiring wiring) {
    this.w = wiring;
    w.supervisor().register(w.board(), (worker, status) -> {
      exits.add(new ExitNotice(worker, status));
      wake();
    }, worker -> {
      Integer s = w.logs().recordedExit(worker.taskId, worker.runId);
      return s == null ? -1 : s;
    });
  }

  public String board() {
    return w.board();
  }

  /** How many passes this dispatcher has begun, failed ones included. */
  public long passes() {
    return passes.get();
  }

  /** Wake the loop now (something changed). Cheap and safe from any thread. */
  public void wake() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  /** Someone other than the worker ended its run: stop the worker at once. */
  public void runClosedUnderWorker(String taskId, long runId) {
    runsClosedByOthers.add(taskId + "/" + runId);
    wake();
  }

  /** Stop claiming new work (gateway shutdown); exits and reconciliation continue until stopped. */
  public void stopClaiming() {
    claiming = false;
  }

  public void stop() {
    running = false;
    claiming = false;
    wake();
    w.supervisor().unregister(w.board());
  }

  /** Where a pass's success or failure is reported: the board's health. */
  public interface HealthReporter {
    void succeeded();

    /** @return milliseconds until the next try, or a negative number when the board is unavailable */
    long failed(RuntimeException e);
  }

  private volatile HealthReporter health;
  private volatile boolean halted;

  public void reportHealthTo(HealthReporter reporter) {
    this.health = reporter;
  }

  @Override
  public void run() {
    while (running) {
      if (!halted) {
        try {
          runOnce();
          HealthReporter h = health;
          if (h != null) {
            h.succeeded();
          }
        } catch (RuntimeException e) {
          // The loop lives on: a failed pass is retried after the board's backoff (seconds, not a
          // quarantine window); on damage it halts until the gateway has restored the board.
          HealthReporter h = health;
          long retryIn = h == null ? safetyTickMs() : h.failed(e);
          if (retryIn < 0) {
            halted = true;
            LOG.error("board '{}' is unavailable: {}", w.board(), e.getMessage());
          } else {
            LOG.warn("dispatcher of board '{}' failed a pass ({}); retrying in {} ms", w.board(), e.getMessage(), retryIn);
            nextWakeAt = w.clock().now() + retryIn;
          }
        }
      }
      long waitMs = Math.max(1, Math.min(safetyTickMs(), nextWakeAt - w.clock().now()));
      try {
        wake.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private long safetyTickMs() {
    return w.config().get().gateway().safetyTickMs();
  }

  /**
   * One pass. Public so tests can drive the dispatcher step by step with a manual clock; passes
   * never overlap (the gateway's shutdown runs a last one beside the dispatcher thread).
   */
  public synchronized void runOnce() {
    passes.incrementAndGet();
    KanbanConfig config = w.config().get();
    long now = w.clock().now();
    nextWakeAt = now + config.gateway().safetyTickMs();
    ExitNotice n;
    while ((n = exits.peek()) != null) {
      try {
        recordExit(n.worker(), n.status(), config);
      } catch (org.agentkanban.store.StoreUnavailableException e) {
        if (e.reason().isTransient()) {
          // Kept: a pass that fails on a full or read-only disk must not lose how a worker ended.
          throw e;
        }
        exits.remove(n);
        throw e;
      } catch (RuntimeException e) {
        exits.remove(n);
        throw e;
      }
      exits.remove(n);
    }
    reconcile(config, now);
    w.service().tick();
    if (claiming) {
      dispatch(config);
    }
    // A scheduled task (a due time, a rate-limit cooldown) wakes the loop when it becomes due.
    // (One already due was woken by the tick above; should that have failed, the safety tick retries.)
    Long due = w.ops().nextScheduledAt();
    if (due != null && due > w.clock().now()) {
      nextWakeAt = Math.min(nextWakeAt, due);
    }
  }

  // ---- exits ---------------------------------------------------------------------------------

  /** Ends a failed run through the breaker, with config.yaml's default retry budget. */
  private void fail(String taskId, long runId, RunEnd end, Long retryAt) {
    w.ops().endRun(taskId, runId, end, retryAt, w.config().get().maxRetries());
  }

  private void recordExit(WatchedWorker worker, Integer status, KanbanConfig config) {
    try {
      endFor(worker, status, config);
    } catch (KanbanException e) {
      if (e.kind() != org.agentkanban.domain.ErrorKind.CONFLICT) {
        throw e;
      }
      // The run had already ended (the worker's own complete/block, or an operator): nothing to do.
    }
  }

  private void endFor(WatchedWorker worker, Integer status, KanbanConfig config) {
    String task = worker.taskId;
    long run = worker.runId;
    if (worker.stopReason == WatchedWorker.StopReason.TIMEOUT) {
      fail(task, run, RunEnd.timedOut("exceeded its max runtime of " + worker.maxRuntimeMs
          + " ms and was stopped (TERM, then KILL after the grace period)"), null);
      return;
    }
    if (worker.stopReason == WatchedWorker.StopReason.SHUTDOWN) {
      w.ops().releaseRun(task, run, "the gateway stopped and ended its workers (--stop-workers)");
      return;
    }
    if (worker.stopReason == WatchedWorker.StopReason.RUN_CLOSED) {
      return;
    }
    if (status == null) {
      fail(task, run, RunEnd.crashed(null,
          "the worker died while no gateway watched it; its exit status is unknown"), null);
      return;
    }
    String tail = w.logs().tail(task, run, LOG_TAIL_BYTES).strip();
    switch (ExitClassifier.classify(status)) {
      case CLEAN_EXIT -> {
        if (worker.completeOnExit) {
          w.ops().completeRun(task, run, summaryOf(tail));
        } else {
          fail(task, run, RunEnd.protocolViolation("exited 0 without calling complete, block or "
              + "request-review" + lastOutput(tail)), null);
        }
      }
      case RATE_LIMITED -> fail(task, run,
          RunEnd.rateLimited("exited 75 (rate limited); retrying after "
              + config.gateway().rateLimitCooldownMs() / 1000 + " s" + lastOutput(tail)),
          w.clock().now() + config.gateway().rateLimitCooldownMs());
      case CONFIGURATION_ERROR -> w.ops().blockRun(task, run,
          "the worker exited 78: its configuration is wrong" + lastOutput(tail));
      case CRASHED -> fail(task, run,
          RunEnd.crashed(status, ExitClassifier.describe(status) + lastOutput(tail)), null);
    }
  }

  /**
   * A script's summary: its last line of output first (the conclusion, and what the completed
   * event shows), then the tail of its output for the record.
   */
  static String summaryOf(String tail) {
    if (tail.isEmpty()) {
      return "exited 0 without output";
    }
    List<String> lines = tail.lines().filter(l -> !l.isBlank()).toList();
    String last = lines.get(lines.size() - 1).strip();
    return lines.size() == 1 ? last : last + "\n\noutput:\n" + tail;
  }

  private static String lastOutput(String tail) {
    if (tail.isEmpty()) {
      return "";
    }
    String t = tail.length() <= VIOLATION_TAIL_CHARS ? tail : "…" + tail.substring(tail.length() - VIOLATION_TAIL_CHARS);
    return "; last output: " + t;
  }

  // ---- reconciliation ------------------------------------------------------------------------

  private void reconcile(KanbanConfig config, long now) {
    GatewaySettings g = config.gateway();
    Set<String> closedByOthers = new HashSet<>();
    String c;
    while ((c = runsClosedByOthers.poll()) != null) {
      closedByOthers.add(c);
    }
    List<OpenRun> open = w.ops().openRuns();
    Set<Long> openIds = new HashSet<>();
    for (OpenRun o : open) {
      openIds.add(o.run().id());
      reconcileOpenRun(o.task(), o.run(), config, now);
    }
    for (WatchedWorker worker : w.supervisor().liveOn(w.board())) {
      if (openIds.contains(worker.runId) || worker.stopping) {
        continue;
      }
      if (worker.unkillable && !worker.deferralNoted) {
        worker.deferralNoted = true;
        w.ops().note(worker.taskId, worker.runId, EventKind.RECLAIM_DEFERRED, Map.of("pid", worker.identity.pid(),
            "reason", "the worker of run " + worker.runId + " survived SIGKILL; no new worker starts until it exits"));
      }
      // The run ended but its process lives: an operator ended it (stop now), or the worker ended
      // it itself and is finishing up (give it the grace period, then stop it).
      boolean operator = closedByOthers.contains(worker.taskId + "/" + worker.runId);
      if (worker.runClosedSeenAt == null) {
        worker.runClosedSeenAt = now;
      }
      if (operator || now - worker.runClosedSeenAt >= g.stopGraceMs()) {
        w.supervisor().stop(worker, WatchedWorker.StopReason.RUN_CLOSED);
      } else {
        nextWakeAt = Math.min(nextWakeAt, worker.runClosedSeenAt + g.stopGraceMs());
      }
    }
  }

  private void reconcileOpenRun(Task task, Run run, KanbanConfig config, long now) {
    GatewaySettings g = config.gateway();
    WatchedWorker worker = w.supervisor().get(w.board(), run.id());
    if (worker != null) {
      Long deadline = worker.deadline();
      if (deadline != null && now >= deadline && worker.stopReason == null) {
        w.supervisor().stop(worker, WatchedWorker.StopReason.TIMEOUT);
      } else if (deadline != null && deadline > now) {
        // (A deadline already past is being acted on: waking for it again would spin the loop.)
        nextWakeAt = Math.min(nextWakeAt, deadline);
      }
      if (worker.unkillable && !worker.deferralNoted) {
        worker.deferralNoted = true;
        w.ops().note(task.id(), run.id(), EventKind.RECLAIM_DEFERRED,
            Map.of("pid", worker.identity.pid(), "reason", "the worker survived SIGKILL; its run stays open until it exits"));
      }
      if (worker.unkillable && !worker.stopping) {
        w.supervisor().stop(worker, worker.stopReason);
      }
      if (run.leaseExpiresAt() != null && run.leaseExpiresAt() - now < g.leaseTtlMs() / 2) {
        w.ops().renewLease(task.id(), run.id(), g.leaseTtlMs());
      }
      w.logs().rotateIfLarge(task.id(), run.id(), g.logMaxBytes());
      return;
    }
    if (exitPending(run.id())) {
      return; // our worker just exited: the next pass records how, with what we know about it
    }
    if (run.workerPid() != null) {
      WorkerIdentity id = new WorkerIdentity(run.workerHost(), run.workerPid(), run.workerStartedAt());
      if (!id.isOnThisHost()) {
        if (run.leaseExpiresAt() != null && run.leaseExpiresAt() < now) {
          w.ops().releaseRun(task.id(), run.id(), "its lease expired and its worker ran on another host or boot");
        }
        return;
      }
      AssigneeConfig a = config.assignee(run.assignee());
      Long maxRuntime = task.maxRuntimeMs() != null ? task.maxRuntimeMs() : a == null ? null : a.maxRuntimeMs();
      WatchedWorker found = new WatchedWorker(w.board(), task.id(), run.id(), run.assignee(), id, null,
          a != null && a.completeOnExit(), run.startedAt(), maxRuntime);
      if (w.supervisor().control().live(id).isPresent()) {
        w.supervisor().adopt(found);
        w.ops().note(task.id(), run.id(), EventKind.WORKER_ADOPTED, Map.of("pid", id.pid()));
      } else {
        recordExit(found, w.logs().recordedExit(task.id(), run.id()), config);
      }
      return;
    }
    if (Actor.person("gateway").name().equals(run.claimedBy()) && !spawning.contains(run.id())) {
      if (!resolveUnrecordedWorker(task, run, config)) {
        w.ops().releaseRun(task.id(), run.id(), "the gateway stopped between claiming the task and starting its worker");
      }
    }
  }

  /**
   * A run the gateway claimed whose worker the board does not name: the gateway that claimed it
   * may have been killed after starting the worker and before recording it. Releasing the run then
   * would start a second worker for the task while the first still runs, so the worker is looked
   * for by its environment first: a live one is recorded and adopted; one that already exited
   * (its exit status is on file) is recorded as it ended.
   *
   * @return whether the run's worker was found (alive or exited); false: it never started
   */
  private boolean resolveUnrecordedWorker(Task task, Run run, KanbanConfig config) {
    AssigneeConfig a = config.assignee(run.assignee());
    Long maxRuntime = task.maxRuntimeMs() != null ? task.maxRuntimeMs() : a == null ? null : a.maxRuntimeMs();
    boolean completeOnExit = a != null && a.completeOnExit();
    var found = WorkerProcesses.find(w.home(), w.board(), run.id());
    if (found.isPresent()) {
      WorkerIdentity id = found.get().identity();
      w.ops().recordWorker(task.id(), run.id(), id.hostId(), id.pid(), id.startedAtMs(), found.get().workspace());
      w.supervisor().adopt(new WatchedWorker(w.board(), task.id(), run.id(), run.assignee(), id, null, completeOnExit,
          run.startedAt(), maxRuntime));
      w.ops().note(task.id(), run.id(), EventKind.WORKER_ADOPTED, Map.of("pid", id.pid(),
          "reason", "found by its environment: the gateway that started it stopped before recording it"));
      return true;
    }
    Integer status = w.logs().recordedExit(task.id(), run.id());
    if (status == null) {
      return false;
    }
    recordExit(new WatchedWorker(w.board(), task.id(), run.id(), run.assignee(), null, null, completeOnExit,
        run.startedAt(), maxRuntime), status, config);
    return true;
  }

  private boolean exitPending(long runId) {
    for (ExitNotice n : exits) {
      if (n.worker().runId == runId) {
        wake();
        return true;
      }
    }
    return false;
  }

  // ---- claiming and spawning -----------------------------------------------------------------

  private void dispatch(KanbanConfig config) {
    GatewaySettings g = config.gateway();
    int budget = Math.min(g.boardMaxWorkers() - w.supervisor().liveCount(w.board()),
        g.maxWorkers() - w.supervisor().liveCount());
    if (budget <= 0) {
      return;
    }
    for (Task t : w.ops().dispatchable(budget * 4 + 16)) {
      if (!w.supervisor().hasRoom(w.board(), g.maxWorkers(), g.boardMaxWorkers())) {
        return;
      }
      if (w.supervisor().hasLiveWorkerFor(w.board(), t.id())) {
        continue; // the previous worker is still being stopped: never two at once
      }
      AssigneeConfig a = config.assignee(t.assignee());
      if (a == null) {
        explainWaiting(t, t.assignee() == null
            ? "it has no assignee; give it one with 'kanban assign " + t.id() + " <assignee>'"
            : "no assignee '" + t.assignee() + "' is configured in config.yaml");
        continue;
      }
      waitingReasons.remove(t.id());
      // The caps are checked and the place taken at once: other boards' dispatchers run meanwhile.
      WorkerSupervisor.Slot slot = w.supervisor().reserve(w.board(), a.name(), g.maxWorkers(), g.boardMaxWorkers(),
          a.maxConcurrent());
      if (slot == null) {
        continue;
      }
      try {
        Claim claim;
        try {
          claim = w.service().claim(t.id(), g.leaseTtlMs(), Actor.person("gateway"));
        } catch (KanbanException e) {
          continue; // lost a race or the rules changed meanwhile: the next pass sees the truth
        }
        spawning.add(claim.run().id());
        try {
          spawn(claim, a, config, t.updatedAt());
        } finally {
          spawning.remove(claim.run().id());
        }
      } finally {
        w.supervisor().release(slot);
      }
    }
  }

  private void explainWaiting(Task t, String reason) {
    if (reason.equals(waitingReasons.get(t.id()))) {
      return;
    }
    waitingReasons.put(t.id(), reason);
    w.ops().note(t.id(), null, EventKind.DISPATCH_SKIPPED, Map.of("reason", reason));
  }

  /** What the OS says when a write fails because the disk is full or mounted read-only. */
  private static final List<String> STORAGE_FAULTS = List.of(
      "No space left on device", "Read-only file system", "Disk quota exceeded");

  /**
   * A worker could not be started because the board's own disk is full or read-only (its
   * workspace, context file or log is written there): a transient fault of the board, not of the
   * task. The claim is given back and the pass fails, so the board is degraded and retried within
   * seconds; the task is not parked for the infrastructure cooldown (minutes) for it.
   */
  private void throwIfStorageFault(Task task, Run run, String message) {
    if (message == null || STORAGE_FAULTS.stream().noneMatch(message::contains)) {
      return;
    }
    String why = "the board's disk is full or read-only: " + message;
    try {
      w.ops().releaseRun(task.id(), run.id(), why);
    } catch (KanbanException e) {
      // also unwritable: the next pass releases a claim that never got its worker
    }
    throw new org.agentkanban.store.StoreUnavailableException(
        org.agentkanban.store.StoreUnavailableException.Cause.IO, "cannot start a worker: " + why, null);
  }

  /** @param readySince when the task last changed before the claim: normally when it became ready */
  private void spawn(Claim claim, AssigneeConfig a, KanbanConfig config, long readySince) {
    Task task = claim.view().task();
    Run run = claim.run();
    long now = w.clock().now();
    Workspace preferred = task.workspace().kind() == Workspace.Kind.SCRATCH && a.workspace() != null
        ? a.workspace() : task.workspace();
    Path workspace;
    try {
      workspace = w.workspaces().prepare(task, preferred);
    } catch (Workspaces.WorkspaceException e) {
      throwIfStorageFault(task, run, e.getMessage());
      if (e.infrastructure()) {
        fail(task.id(), run.id(), RunEnd.spawnFailedInfrastructure(e.getMessage()),
            now + config.gateway().rateLimitCooldownMs());
      } else {
        fail(task.id(), run.id(), RunEnd.spawnFailed(e.getMessage()), null);
      }
      return;
    }
    Path contextFile = workspace.resolve(".kanban").resolve("context-" + task.id() + ".md");
    try {
      Files.createDirectories(contextFile.getParent());
      Files.writeString(contextFile, w.service().context(task.id()), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throwIfStorageFault(task, run, e.toString());
      fail(task.id(), run.id(), RunEnd.spawnFailedInfrastructure(
          "cannot write the context file " + contextFile + ": " + e.getMessage()),
          now + config.gateway().rateLimitCooldownMs());
      return;
    }
    WorkerLauncher.Request request = new WorkerLauncher.Request(w.board(), task, run, claim.runToken(), a, workspace,
        contextFile, w.logs().log(task.id(), run.id()), w.logs().exitFile(task.id(), run.id()),
        w.logs().script(task.id(), run.id()), w.gatewayUrl().get(), w.home());
    WorkerLauncher.Started started;
    try {
      started = w.launcher().launch(request);
    } catch (WorkerLauncher.LaunchException e) {
      throwIfStorageFault(task, run, e.getMessage());
      if (e.infrastructure()) {
        fail(task.id(), run.id(), RunEnd.spawnFailedInfrastructure(e.getMessage()),
            now + config.gateway().rateLimitCooldownMs());
      } else {
        fail(task.id(), run.id(), RunEnd.spawnFailed(e.getMessage()), null);
      }
      return;
    }
    Long maxRuntime = task.maxRuntimeMs() != null ? task.maxRuntimeMs() : a.maxRuntimeMs();
    WatchedWorker worker = new WatchedWorker(w.board(), task.id(), run.id(), a.name(), started.identity(),
        started.process(), a.completeOnExit(), now, maxRuntime);
    try {
      w.ops().recordWorker(task.id(), run.id(), started.identity().hostId(), started.identity().pid(),
          started.identity().startedAtMs(), workspace.toString());
    } catch (KanbanException e) {
      // The run ended between claim and start (an operator, or the worker already finished):
      // never leave a process behind that the board does not know about.
      worker.stopReason = WatchedWorker.StopReason.RUN_CLOSED;
      w.supervisor().watch(worker);
      w.supervisor().stop(worker, WatchedWorker.StopReason.RUN_CLOSED);
      return;
    }
    w.supervisor().watch(worker);
    w.metrics().spawned(w.board(), Math.max(0, w.clock().now() - readySince));
    if (maxRuntime != null) {
      nextWakeAt = Math.min(nextWakeAt, now + maxRuntime);
    }
  }
}
