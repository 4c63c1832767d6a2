package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stops a worker and everything it started. Workers run in their own session, so their process
 * group id is the worker's PID; stopping sends SIGTERM to the whole group (and to descendants that
 * left it), waits a grace period, then SIGKILLs what is left. A group is signalled only while one
 * of its members is verifiably ours: the leader with its recorded start time, or members that
 * started after it while the group never emptied (a process group id is not reused while the group
 * has members).
 */
public final class ProcessTree {
  private ProcessTree() {}

  /** What a stop achieved. */
  public record StopResult(boolean wasAlive, boolean neededKill, boolean survivors) {}

  /**
   * Stops the worker's tree: TERM, up to {@code grace}, then KILL.
   *
   * @return whether anything was alive, whether SIGKILL was needed, whether something survived
   *     even SIGKILL (a process stuck in the kernel): the caller must then defer, not respawn
   */
  public static StopResult stop(WorkerIdentity worker, Duration grace) {
    Optional<ProcessHandle> leader = worker.live();
    List<ProcessHandle> members = new ArrayList<>(groupMembers(worker));
    leader.ifPresent(l -> {
      if (members.stream().noneMatch(m -> m.pid() == l.pid())) {
        members.add(l);
      }
      l.descendants().forEach(d -> {
        if (members.stream().noneMatch(m -> m.pid() == d.pid())) {
          members.add(d);
        }
      });
    });
    if (members.isEmpty()) {
      return new StopResult(false, false, false);
    }
    signalGroup(worker.pid(), "TERM");
    members.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && members.stream().anyMatch(ProcessHandle::isAlive)) {
      sleep(20);
    }
    boolean needKill = members.stream().anyMatch(ProcessHandle::isAlive);
    if (needKill) {
      signalGroup(worker.pid(), "KILL");
      members.forEach(ProcessHandle::destroyForcibly);
      long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < killDeadline && members.stream().anyMatch(ProcessHandle::isAlive)) {
        sleep(20);
      }
    }
    return new StopResult(true, needKill, members.stream().anyMatch(ProcessHandle::isAlive));
  }

  /**
   * Processes of the worker's process group (pgid = worker pid) that started no earlier than the
   * worker: read from {@code /proc/<pid>/stat}. Empty off Linux or for another host's worker.
   */
  public static List<ProcessHandle> groupMembers(WorkerIdentity worker) {
    List<ProcessHandle> out = new ArrayList<>();
    if (!worker.isOnThisHost()) {
      return out;
    }
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return out;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path dir : dirs) {
        long pgrp = processGroup(dir.resolve("stat"));
        if (pgrp != worker.pid()) {
          continue;
        }
        ProcessHandle.of(Long.parseLong(dir.getFileName().toString()))
            .filter(h -> h.info().startInstant().map(s -> s.toEpochMilli() >= worker.startedAtMs() - 10).orElse(false))
            .ifPresent(out::add);
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** Field 5 of /proc/<pid>/stat; the command name (field 2) may contain spaces and parentheses. */
  static long processGroup(Path stat) {
    try {
      String s = Files.readString(stat, StandardCharsets.US_ASCII);
      int close = s.lastIndexOf(')');
      String[] fields = s.substring(close + 2).split(" ");
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void signalGroup(long pgid, String signal) {
    try {
      Process p = new ProcessBuilder("kill", "-s", signal, "--", "-" + pgid)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      // no kill(1): the per-process signals above still reach every member we know
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
