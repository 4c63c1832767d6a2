package org.agentkanban.gateway;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agentkanban.config.AssigneeConfig;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Task;

/**
 * Starts worker processes under the worker contract: the assignee's command in the task's
 * workspace, in a session of its own ({@code setsid}, so the whole tree can be signalled and it
 * survives the gateway), stdin from /dev/null, stdout and stderr appended to the run log, the
 * worker environment set. A small {@code sh} wrapper records the exit status in a file, so a
 * gateway that restarts can still tell how an adopted worker ended. The JVM starts children with
 * every descriptor above 2 closed, so no database descriptor reaches a worker.
 */
public final class WorkerLauncher {
  /** Writes the worker's exit status where the gateway (this one or the next) can read it. */
  static final String WRAPPER = "\"$@\"; rc=$?; printf '%s\\n' \"$rc\" > \"$KANBAN_EXIT_FILE\"; exit \"$rc\"";

  private final String setsid;
  private final Map<String, String> baseEnvironment;

  public WorkerLauncher(Map<String, String> gatewayEnvironment, String launcherDir) {
    this.setsid = findOnPath("setsid", gatewayEnvironment.get("PATH"));
    this.baseEnvironment = workerBase(gatewayEnvironment, launcherDir);
  }

  /** Everything a launch needs. {@code values} fills the command template's placeholders. */
  public record Request(
      String board, Task task, Run run, String runToken, AssigneeConfig assignee, Path workspace,
      Path contextFile, Path log, Path exitFile, Path script, String gatewayUrl, Path home) {}

  /** A started worker. */
  public record Started(Process process, WorkerIdentity identity) {}

  /** The worker could not be started; {@code infrastructure} faults are not the task's fault. */
  public static final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean infrastructure;

    LaunchException(String message, boolean infrastructure) {
      super(message);
      this.infrastructure = infrastructure;
    }

    public boolean infrastructure() {
      return infrastructure;
    }
  }

  public boolean hasSessions() {
    return setsid != null;
  }

  public Started launch(Request r) throws LaunchException {
    List<String> argv = argv(r);
    String program = argv.get(0);
    Map<String, String> env = environment(r);
    if (findOnPath(program, env.get("PATH")) == null) {
      throw new LaunchException("command not found: '" + program + "' (assignee " + r.assignee().name()
          + "; PATH=" + env.get("PATH") + ")", false);
    }
    List<String> cmd = new ArrayList<>();
    if (setsid != null) {
      cmd.add(setsid);
    }
    cmd.addAll(List.of("/bin/sh", "-c", WRAPPER, "kanban-worker"));
    cmd.addAll(argv);
    try {
      Files.createDirectories(r.log().getParent());
      Files.deleteIfExists(r.exitFile());
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .directory(r.workspace().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(r.log().toFile()))
          .redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env);
      long launchedAt = System.currentTimeMillis();
      Process p = pb.start();
      return new Started(p, identity(p, launchedAt));
    } catch (IOException e) {
      throw new LaunchException("cannot start worker: " + e.getMessage(), true);
    }
  }

  /**
   * The started process's identity. A worker that is done within a millisecond or two (an
   * {@code echo}, a command failing at once) may be gone before its start time can be read: it is
   * still our worker, its exit status is in hand, and an identity stamped with the launch time
   * names no live process (its leftover children, started after the launch, stay reachable). A
   * process that lives but whose start time cannot be read is one we could not supervise: it is
   * stopped at once.
   */
  private static WorkerIdentity identity(Process p, long launchedAt) throws IOException {
    var id = WorkerIdentity.of(p.toHandle());
    if (id.isPresent()) {
      return id.get();
    }
    try {
      if (p.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return new WorkerIdentity(HostIdentity.current(), p.pid(), launchedAt);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    id = WorkerIdentity.of(p.toHandle());
    if (id.isPresent()) {
      return id.get();
    }
    p.destroyForcibly();
    throw new IOException("cannot read the start time of worker pid " + p.pid() + " (is /proc readable?); it was stopped");
  }

  private List<String> argv(Request r) throws LaunchException {
    if (r.assignee().type() == AssigneeConfig.Type.SHELL) {
      try {
        Files.createDirectories(r.script().getParent());
        Files.writeString(r.script(), r.task().body(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new LaunchException("cannot write the task script " + r.script() + ": " + e.getMessage(), true);
      }
      return List.of("/bin/sh", "-e", r.script().toString());
    }
    Map<String, String> values = placeholders(r);
    List<String> out = new ArrayList<>();
    for (String arg : r.assignee().command()) {
      out.add(AssigneeConfig.expand(arg, values));
    }
    return out;
  }

  static Map<String, String> placeholders(Request r) {
    Map<String, String> v = new HashMap<>();
    v.put("task", r.task().id());
    v.put("run", Long.toString(r.run().id()));
    v.put("board", r.board());
    v.put("workspace", r.workspace().toString());
    v.put("context_file", r.contextFile().toString());
    v.put("title", r.task().title());
    v.put("assignee", r.assignee().name());
    v.put("home", r.home().toString());
    v.put("url", r.gatewayUrl());
    return v;
  }

  Map<String, String> environment(Request r) {
    Map<String, String> env = new HashMap<>(baseEnvironment);
    Map<String, String> values = placeholders(r);
    r.assignee().env().forEach((k, v) -> env.put(k, AssigneeConfig.expand(v, values)));
    env.put("KANBAN_HOME", r.home().toString());
    env.put("KANBAN_BOARD", r.board());
    env.put("KANBAN_TASK", r.task().id());
    env.put("KANBAN_RUN", Long.toString(r.run().id()));
    env.put("KANBAN_RUN_TOKEN", r.runToken());
    env.put("KANBAN_URL", r.gatewayUrl());
    env.put("KANBAN_WORKSPACE", r.workspace().toString());
    env.put("KANBAN_CONTEXT_FILE", r.contextFile().toString());
    env.put("KANBAN_EXIT_FILE", r.exitFile().toString());
    env.put("KANBAN_ACTOR", r.assignee().name());
    if (r.task().tenant() != null) {
      env.put("KANBAN_TENANT", r.task().tenant());
    }
    return env;
  }

  /** The gateway's environment without its own KANBAN_* settings, with the launcher on PATH. */
  private static Map<String, String> workerBase(Map<String, String> gatewayEnv, String launcherDir) {
    Map<String, String> env = new HashMap<>();
    gatewayEnv.forEach((k, v) -> {
      if (!k.startsWith("KANBAN_")) {
        env.put(k, v);
      }
    });
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    if (launcherDir != null && !launcherDir.isBlank()) {
      path = launcherDir + File.pathSeparator + path;
    }
    env.put("PATH", path);
    return env;
  }

  /** The executable {@code program} names: a path, or a name searched on {@code path}. */
  static String findOnPath(String program, String path) {
    if (program == null || program.isBlank()) {
      return null;
    }
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? p.toString() : null;
    }
    for (String dir : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
