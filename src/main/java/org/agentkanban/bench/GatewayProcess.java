package org.agentkanban.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.KanbanException;

/**
 * A real {@code kanban serve --port 0 --stop-workers} process on the benchmark's home, and how
 * to start other {@code kanban} processes the way a user would: through the launcher
 * ({@code $KANBAN_LAUNCHER_DIR/kanban}, which {@code ./kanban} exports) when there is one, else a
 * JVM on this JVM's class path with the launcher's options. {@link #close()} stops the gateway
 * (its workers with it) and kills whatever of its process tree is left.
 */
final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final String url;
  private final String adminToken;

  private GatewayProcess(Process process, String url, String adminToken) {
    this.process = process;
    this.url = url;
    this.adminToken = adminToken;
  }

  /** Starts the gateway and waits until it wrote gateway.json and answers. Output goes to {@code log}. */
  static GatewayProcess start(KanbanHome home, Map<String, String> env, Path log) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command(List.of("serve", "--port", "0", "--stop-workers"), true))
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (java.io.IOException e) {
      throw KanbanException.unavailable("cannot start the benchmark's gateway: " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && p.isAlive()) {
      Optional<GatewayFile> f = GatewayFile.read(home.gatewayFile());
      if (f.isPresent() && f.get().pid() == p.pid()) {
        return new GatewayProcess(p, f.get().url(), f.get().adminToken());
      }
      Thread.sleep(50);
    }
    GatewayProcess failed = new GatewayProcess(p, null, null);
    failed.close();
    throw KanbanException.unavailable("the benchmark's gateway did not start within 120 s"
        + (p.isAlive() ? "" : " (it exited " + p.exitValue() + ")") + "; its output is in " + log, null);
  }

  long pid() {
    return process.pid();
  }

  String url() {
    return url;
  }

  String adminToken() {
    return adminToken;
  }

  /**
   * SIGTERM: the gateway stops its workers (--stop-workers) and exits. Anything of its tree still
   * alive after that (or after 30 s) is killed, so nothing the benchmark started outlives it.
   */
  @Override
  public void close() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.toHandle().destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle h : tree) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  // ---- starting kanban processes -------------------------------------------------------------

  /** The launcher script, if this JVM was started through it. */
  static Optional<Path> launcher() {
    String dir = System.getenv("KANBAN_LAUNCHER_DIR");
    if (dir == null || dir.isBlank()) {
      return Optional.empty();
    }
    Path script = Path.of(dir, "kanban");
    return Files.isExecutable(script) ? Optional.of(script) : Optional.empty();
  }

  /**
   * The command line of {@code kanban <args>}. {@code server}: the JIT options of a long-running
   * process (the launcher picks them by itself for {@code serve}).
   */
  static List<String> command(List<String> args, boolean server) {
    List<String> cmd = new ArrayList<>();
    Optional<Path> launcher = launcher();
    if (launcher.isPresent()) {
      cmd.add(launcher.get().toString());
    } else {
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(server ? List.of("-XX:+UseG1GC") : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
      cmd.add("-Xlog:disable");
      cmd.add("-Xlog:all=warning:stderr");
      // The native SQLite library this JVM uses, so each child skips extracting it.
      ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
          .filter(a -> a.startsWith("-Dorg.sqlite.")).forEach(cmd::add);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add("org.agentkanban.cli.Main");
    }
    cmd.addAll(args);
    return cmd;
  }

  /** This process's environment without KANBAN_* settings, plus {@code extra}. */
  static Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    System.getenv().forEach((k, v) -> {
      if (!k.startsWith("KANBAN_") || k.equals("KANBAN_LAUNCHER_DIR") || k.equals("KANBAN_JAVA_OPTS")) {
        env.put(k, v);
      }
    });
    env.putAll(extra);
    return env;
  }
}
