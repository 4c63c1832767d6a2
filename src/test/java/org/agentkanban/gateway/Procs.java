package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code /proc} says about processes, for tests that must prove which processes live: a
 * zombie counts as dead (it runs nothing; where PID 1 does not reap, orphans stay zombies forever).
 */
final class Procs {
  private Procs() {}

  /** A live process that carries a worker environment. */
  record Worker(long pid, long pgid, String home, String board, String task, String run, String actor) {}

  static boolean alive(long pid) {
    String state = field(pid, 0);
    return state != null && !state.equals("Z") && !state.equals("X");
  }

  /** The process group of a live process, or -1. */
  static long pgid(long pid) {
    String pg = field(pid, 2);
    return pg == null ? -1 : Long.parseLong(pg);
  }

  static long ppid(long pid) {
    String pp = field(pid, 1);
    return pp == null ? -1 : Long.parseLong(pp);
  }

  /** Fields of /proc/pid/stat after the command name: 0 = state, 1 = ppid, 2 = pgrp, 3 = session. */
  private static String field(long pid, int index) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return f[index];
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static List<Long> allPids() {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path d : dirs) {
        out.add(Long.parseLong(d.getFileName().toString()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return out;
  }

  /** Live members of a process group. */
  static List<Long> groupMembers(long pgid) {
    return allPids().stream().filter(p -> pgid(p) == pgid && alive(p)).toList();
  }

  static Map<String, String> environment(long pid) {
    Map<String, String> env = new HashMap<>();
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      for (String kv : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not ours
    }
    return env;
  }

  /** Every live process whose environment names a run of {@code home} (workers and what they started). */
  static List<Worker> workersOf(Path home) {
    String h = home.toString();
    List<Worker> out = new ArrayList<>();
    for (long pid : allPids()) {
      Map<String, String> env = environment(pid);
      if (h.equals(env.get("KANBAN_HOME")) && env.containsKey("KANBAN_RUN") && alive(pid)) {
        out.add(new Worker(pid, pgid(pid), h, env.get("KANBAN_BOARD"), env.get("KANBAN_TASK"), env.get("KANBAN_RUN"),
            env.get("KANBAN_ACTOR")));
      }
    }
    return out;
  }

  /** Where each open descriptor of a process points, by number. */
  static Map<Integer, String> descriptors(long pid) {
    Map<Integer, String> out = new HashMap<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          out.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      // gone
    }
    return out;
  }

  static Optional<String> cwd(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).toString());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** SIGKILLs every live process of {@code home}'s runs: the safety net after a test. */
  static void killAllOf(Path home) {
    for (Worker w : workersOf(home)) {
      ProcessHandle.of(w.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }
}
