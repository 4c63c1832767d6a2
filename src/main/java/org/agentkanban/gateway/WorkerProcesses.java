package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a run's worker by what the worker contract put in its environment, for the one case where
 * the board cannot name it: a gateway killed after starting the worker and before recording its
 * PID in the run. The board then shows a run claimed by the gateway with no worker; releasing it
 * would start a second worker for the task while the first still runs. A launched worker carries
 * {@code KANBAN_HOME}, {@code KANBAN_BOARD}, {@code KANBAN_RUN} and {@code KANBAN_EXIT_FILE} in
 * {@code /proc/<pid>/environ} (readable for our own user's processes only).
 */
public final class WorkerProcesses {
  /** A live process of the run's worker tree; the session leader (the launch wrapper) if it lives. */
  record Found(WorkerIdentity identity, String workspace) {}

  private WorkerProcesses() {}

  static Optional<Found> find(Path home, String board, long runId) {
    String root = home.toString();
    String run = Long.toString(runId);
    Found best = null;
    boolean bestIsLeader = false;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"),
        p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path proc : procs) {
        Map<String, String> env = kanbanEnvironment(proc.resolve("environ"));
        if (!root.equals(env.get("KANBAN_HOME")) || !board.equals(env.get("KANBAN_BOARD"))
            || !run.equals(env.get("KANBAN_RUN")) || !env.containsKey("KANBAN_EXIT_FILE")) {
          continue;
        }
        long pid = Long.parseLong(proc.getFileName().toString());
        Optional<WorkerIdentity> id = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).flatMap(WorkerIdentity::of);
        if (id.isEmpty()) {
          continue;
        }
        // The wrapper started by setsid leads its own process group; its children do not.
        boolean leader = ProcessTree.processGroup(proc.resolve("stat")) == pid;
        if (best == null || (leader && !bestIsLeader)
            || (leader == bestIsLeader && id.get().startedAtMs() < best.identity().startedAtMs())) {
          best = new Found(id.get(), env.get("KANBAN_WORKSPACE"));
          bestIsLeader = leader;
        }
      }
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(best);
  }

  /** The {@code KANBAN_*} variables of {@code /proc/<pid>/environ}; empty when it cannot be read. */
  public static Map<String, String> kanbanEnvironment(Path file) {
    Map<String, String> env = new HashMap<>();
    try {
      for (String kv : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\0")) {
        int eq = kv.indexOf('=');
        if (eq > 0 && kv.startsWith("KANBAN_")) {
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    } catch (IOException | SecurityException e) {
      return env;
    }
    return env;
  }
}
