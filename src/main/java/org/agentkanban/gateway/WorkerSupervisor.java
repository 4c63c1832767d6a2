package org.agentkanban.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every worker process of this gateway, across boards. Our own children are observed by
 * {@code Process.onExit} (the real exit status, at once); workers adopted after a restart are not
 * our children, so they are polled by identity and their status is read from the file the launch
 * wrapper wrote. Exits are handed to the board's dispatcher, which records them. Stopping a tree
 * (TERM, grace, KILL) runs on its own threads so no dispatcher ever waits on a dying process.
 */
public final class WorkerSupervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerSupervisor.class);
  /** How often adopted workers are looked at; our own children need no polling. */
  static final long ADOPTED_POLL_MS = 200;

  /** Told when a worker exited; {@code status} is null when it is unknown. */
  public interface ExitListener {
    void exited(WatchedWorker worker, Integer status);
  }

  private final Map<String, WatchedWorker> live = new ConcurrentHashMap<>();
  private final Map<String, WatchedWorker> adopted = new ConcurrentHashMap<>();
  private final Map<String, ExitListener> listeners = new ConcurrentHashMap<>();
  private final Map<String, ToIntFunction<WatchedWorker>> exitReaders = new ConcurrentHashMap<>();
  private final ProcessControl control;
  private final Duration grace;
  private final ExecutorService stopper = Executors.newCachedThreadPool(daemon("kanban-worker-stop"));
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(daemon("kanban-worker-poll"));

  public WorkerSupervisor(ProcessControl control, Duration grace) {
    this.control = control;
    this.grace = grace;
    poller.scheduleWithFixedDelay(this::pollAdopted, ADOPTED_POLL_MS, ADOPTED_POLL_MS, TimeUnit.MILLISECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Registers a board's dispatcher; {@code exitReader} returns a recorded exit status (or -1) for
   * a worker that was not our child.
   */
  void register(String board, ExitListener listener, ToIntFunction<WatchedWorker> exitReader) {
    listeners.put(board, listener);
    exitReaders.put(board, exitReader);
  }

  void unregister(String board) {
    listeners.remove(board);
    exitReaders.remove(board);
  }

  /** Watches a worker we just started. */
  void watch(WatchedWorker w) {
    live.put(w.key(), w);
    w.process.onExit().whenComplete((p, error) -> exited(w, error == null ? p.exitValue() : null));
  }

  /** Watches a worker a previous gateway started and that still runs. */
  void adopt(WatchedWorker w) {
    live.put(w.key(), w);
    adopted.put(w.key(), w);
  }

  private void pollAdopted() {
    try {
      for (WatchedWorker w : adopted.values()) {
        if (control.live(w.identity).isEmpty()) {
          adopted.remove(w.key());
          ToIntFunction<WatchedWorker> reader = exitReaders.get(w.board);
          int status = reader == null ? -1 : reader.applyAsInt(w);
          exited(w, status < 0 ? null : status);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("polling adopted workers failed; will retry", e);
    }
  }

  private void exited(WatchedWorker w, Integer status) {
    if (!live.containsKey(w.key()) || w.exitSeen) {
      return;
    }
    w.exitSeen = true;
    // Children the worker left behind go with it, while its process group still provably exists.
    if (control.hasLeftovers(w.identity)) {
      stopper.submit(() -> control.stop(w.identity, grace));
    }
    // The dispatcher hears of the exit before the worker leaves the live set: a dispatcher that no
    // longer finds the worker live always finds its exit notice (never judges it a stranger's).
    ExitListener l = listeners.get(w.board);
    if (l != null) {
      l.exited(w, status);
    }
    live.remove(w.key());
  }

  /** Stops a worker's tree in the background; the exit arrives through {@link #watch}/adoption. */
  void stop(WatchedWorker w, WatchedWorker.StopReason reason) {
    if (w.stopping) {
      return;
    }
    if (w.stopReason == null) {
      w.stopReason = reason;
    }
    w.stopping = true;
    stopper.submit(() -> {
      try {
        ProcessTree.StopResult r = control.stop(w.identity, grace);
        if (r.survivors()) {
          w.unkillable = true;
          LOG.warn("worker pid {} of task {} survived SIGKILL; its run stays open until it goes", w.identity.pid(), w.taskId);
        }
      } catch (RuntimeException e) {
        LOG.warn("stopping worker pid {} failed", w.identity.pid(), e);
      } finally {
        w.stopping = false;
      }
    });
  }

  /** Stops every worker (gateway shutdown with --stop-workers) and waits for them. */
  void stopAll(String board) {
    List<WatchedWorker> ws = liveOn(board);
    ws.forEach(w -> stop(w, WatchedWorker.StopReason.SHUTDOWN));
  }

  /** A place for a worker about to start: counted against the caps until it is watched or given back. */
  static final class Slot {
    final String board;
    final String assignee;

    private Slot(String board, String assignee) {
      this.board = board;
      this.assignee = assignee;
    }
  }

  private final List<Slot> reserved = new java.util.ArrayList<>();

  /**
   * Reserves a place for one more worker of {@code assignee} on {@code board} if the caps allow it:
   * host ({@code maxWorkers}), board and assignee, counting live workers and places reserved by
   * other boards' dispatchers, atomically (the dispatchers of several boards run at once).
   *
   * @return the place, to give back with {@link #release} once the worker is watched (or failed to
   *     start); null when a cap is full
   */
  synchronized Slot reserve(String board, String assignee, int maxWorkers, int boardMaxWorkers, int assigneeMax) {
    int total = live.size() + reserved.size();
    int onBoard = liveCount(board) + (int) reserved.stream().filter(r -> r.board.equals(board)).count();
    int ofAssignee = liveCountFor(assignee) + (int) reserved.stream().filter(r -> r.assignee.equals(assignee)).count();
    if (total >= maxWorkers || onBoard >= boardMaxWorkers || ofAssignee >= assigneeMax) {
      return null;
    }
    Slot s = new Slot(board, assignee);
    reserved.add(s);
    return s;
  }

  /** Whether the host and board caps leave room for any worker at all. */
  synchronized boolean hasRoom(String board, int maxWorkers, int boardMaxWorkers) {
    int total = live.size() + reserved.size();
    int onBoard = liveCount(board) + (int) reserved.stream().filter(r -> r.board.equals(board)).count();
    return total < maxWorkers && onBoard < boardMaxWorkers;
  }

  synchronized void release(Slot slot) {
    reserved.remove(slot);
  }

  WatchedWorker get(String board, long runId) {
    return live.get(WatchedWorker.key(board, runId));
  }

  List<WatchedWorker> liveOn(String board) {
    return live.values().stream().filter(w -> w.board.equals(board)).toList();
  }

  public int liveCount() {
    return live.size();
  }

  public int liveCount(String board) {
    return (int) live.values().stream().filter(w -> w.board.equals(board)).count();
  }

  int liveCountFor(String assignee) {
    return (int) live.values().stream().filter(w -> assignee.equals(w.assignee)).count();
  }

  boolean hasLiveWorkerFor(String board, String taskId) {
    return live.values().stream().anyMatch(w -> w.board.equals(board) && w.taskId.equals(taskId));
  }

  ProcessControl control() {
    return control;
  }

  @Override
  public void close() {
    poller.shutdownNow();
    stopper.shutdown();
    try {
      stopper.awaitTermination(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
