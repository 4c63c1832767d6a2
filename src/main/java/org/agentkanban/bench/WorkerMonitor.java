package org.agentkanban.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Samples a home's live workers many times a second ({@link LiveWorkers}) and records every moment
 * a task had two live workers (two runs with a live process) at once.
 */
final class WorkerMonitor implements AutoCloseable {
  private static final long INTERVAL_MS = 20;

  private final Path home;
  private final Thread thread;
  private final List<String> duplicates = new ArrayList<>();
  private volatile boolean running = true;
  private volatile long samples;
  private volatile int maxLive;

  WorkerMonitor(Path home) {
    this.home = home;
    this.thread = new Thread(this::loop, "worker-monitor");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      List<LiveWorkers.Process> live = LiveWorkers.of(home);
      maxLive = Math.max(maxLive, (int) live.stream().map(LiveWorkers.Process::run).distinct().count());
      Map<String, Set<String>> dup = LiveWorkers.duplicates(live);
      if (!dup.isEmpty()) {
        synchronized (duplicates) {
          dup.forEach((task, runs) -> duplicates.add(task + " had live workers of runs " + runs));
        }
      }
      samples++;
      try {
        Thread.sleep(INTERVAL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  long samples() {
    return samples;
  }

  int maxLive() {
    return maxLive;
  }

  /** Every sample that saw two live workers for one task. */
  List<String> duplicates() {
    synchronized (duplicates) {
      return List.copyOf(duplicates);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
