package org.agentkanban.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worker processes of a home as {@code /proc} shows them, independently of any gateway's
 * bookkeeping: a process whose environment names the home ({@code KANBAN_HOME}), a task and a run
 * (the worker contract's {@code KANBAN_TASK} and {@code KANBAN_RUN}), and which is not a zombie.
 * A worker is a run with at least one such process, so its children count once.
 */
final class LiveWorkers {
  record Process(long pid, String task, String run) {}

  private LiveWorkers() {}

  static List<Process> of(Path home) {
    String root = home.toString();
    return matching(root::equals);
  }

  /** The worker processes of every home under {@code dir}. */
  static List<Process> under(Path dir) {
    String prefix = dir.toString() + "/";
    return matching(h -> h.startsWith(prefix));
  }

  private static List<Process> matching(java.util.function.Predicate<String> home) {
    List<Process> out = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"),
        p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path proc : procs) {
        Map<String, String> env = org.agentkanban.gateway.WorkerProcesses.kanbanEnvironment(proc.resolve("environ"));
        String task = env.get("KANBAN_TASK");
        String run = env.get("KANBAN_RUN");
        String h = env.get("KANBAN_HOME");
        if (h == null || !home.test(h) || task == null || run == null || zombieOrGone(proc)) {
          continue;
        }
        out.add(new Process(Long.parseLong(proc.getFileName().toString()), task, run));
      }
    } catch (IOException | SecurityException e) {
      return out;
    }
    return out;
  }

  /** Task → the runs with a live process, for the tasks that have more than one at once. */
  static Map<String, Set<String>> duplicates(List<Process> processes) {
    Map<String, Set<String>> runs = new HashMap<>();
    for (Process p : processes) {
      runs.computeIfAbsent(p.task(), k -> new HashSet<>()).add(p.run());
    }
    runs.values().removeIf(r -> r.size() < 2);
    return runs;
  }

  /** SIGKILLs every worker process of the home (the end of a drill: nothing may be left behind). */
  static int killAll(Path home) {
    int n = 0;
    for (Process p : of(home)) {
      if (ProcessHandle.of(p.pid()).map(ProcessHandle::destroyForcibly).orElse(false)) {
        n++;
      }
    }
    return n;
  }

  private static boolean zombieOrGone(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII);
      int close = stat.lastIndexOf(')');
      char state = stat.charAt(close + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }
}
