package org.agentkanban.gateway;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Counts live worker processes of a home from {@code /proc}, many times a second, independently of
 * the gateway's own bookkeeping: a worker is a run (KANBAN_RUN) with at least one live process, so
 * a worker's children and the CLI calls it makes count once. Records the maxima seen: live runs per
 * task (never more than one), in total, per board and per assignee (the caps).
 */
final class WorkerCensus implements AutoCloseable {
  private final Path home;
  private final Thread thread;
  private volatile boolean running = true;
  private final AtomicInteger samples = new AtomicInteger();
  private final Map<String, Integer> maxPerTask = new ConcurrentHashMap<>();
  private final Map<String, Integer> maxPerBoard = new ConcurrentHashMap<>();
  private final Map<String, Integer> maxPerAssignee = new ConcurrentHashMap<>();
  private final Set<String> runsSeen = ConcurrentHashMap.newKeySet();
  private volatile int maxTotal;

  WorkerCensus(Path home) {
    this.home = home;
    this.thread = new Thread(this::loop, "worker-census");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(40);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    List<Procs.Worker> ws = Procs.workersOf(home);
    Set<String> runs = new HashSet<>();
    for (Procs.Worker w : ws) {
      runs.add(w.board() + "/" + w.run());
      runsSeen.add(w.board() + "/" + w.task() + "/" + w.run());
    }
    maxTotal = Math.max(maxTotal, runs.size());
    record(ws, w -> w.board() + "/" + w.task(), maxPerTask);
    record(ws, Procs.Worker::board, maxPerBoard);
    record(ws, Procs.Worker::actor, maxPerAssignee);
    samples.incrementAndGet();
  }

  private static void record(List<Procs.Worker> ws, Function<Procs.Worker, String> key, Map<String, Integer> max) {
    Map<String, Set<String>> runs = new HashMap<>();
    for (Procs.Worker w : ws) {
      runs.computeIfAbsent(String.valueOf(key.apply(w)), k -> new HashSet<>()).add(w.board() + "/" + w.run());
    }
    runs.forEach((k, v) -> max.merge(k, v.size(), Math::max));
  }

  /** The most live runs any one task had at once ("board/task" → count). */
  Map<String, Integer> maxPerTask() {
    return Map.copyOf(maxPerTask);
  }

  int maxLiveRunsOfAnyTask() {
    return maxPerTask.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  int maxTotal() {
    return maxTotal;
  }

  int maxOnBoard(String board) {
    return maxPerBoard.getOrDefault(board, 0);
  }

  int maxOfAssignee(String assignee) {
    return maxPerAssignee.getOrDefault(assignee, 0);
  }

  /** Distinct "board/task/run" seen alive. */
  Set<String> runsSeen() {
    return Set.copyOf(runsSeen);
  }

  int samples() {
    return samples.get();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
