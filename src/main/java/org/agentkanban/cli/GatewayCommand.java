package org.agentkanban.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.domain.KanbanException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Start, stop or check the background gateway.", name = "gateway", mixinStandardHelpOptions = true,
    description = "Run 'kanban serve' in the background (logs in $KANBAN_HOME/gateway.log), stop it, or show its state.",
    subcommands = {GatewayCommand.Start.class, GatewayCommand.Stop.class, GatewayCommand.Status.class})
final class GatewayCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Written before SIGTERM to ask the gateway to stop its workers as it exits. */
  static final String STOP_WORKERS_FLAG = "gateway.stop-workers";

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Optional<GatewayFile> live(CliContext ctx) {
    return GatewayFile.read(ctx.home().gatewayFile()).filter(GatewayFile::processAlive);
  }

  @Command(header = "Start the gateway in the background.", name = "start", mixinStandardHelpOptions = true)
  static final class Start implements Callable<Integer> {
    @Option(names = "--port", description = "Port (default: config.yaml gateway.port, 7420).") Integer port;
    @Option(names = "--bind", description = "Address (default: config.yaml gateway.bind, 127.0.0.1).") String bind;
    @Option(names = "--json", description = "Print a JSON document.") boolean json;
    @Option(names = "--force", description = "Serve boards on a network file system anyway (see 'kanban serve --help').")
    boolean force;
    private final CliContext ctx;

    Start(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      Optional<GatewayFile> running = live(ctx);
      if (running.isPresent()) {
        throw KanbanException.refused("a gateway is already running (pid " + running.get().pid() + ", " + running.get().url() + ")");
      }
      Path home = ctx.home().root();
      Files.createDirectories(home);
      Path log = home.resolve("gateway.log");
      List<String> cmd = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        cmd.add("/usr/bin/setsid");
      }
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(ServeCommand.jvmOptionsForChild());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
      if (port != null) {
        cmd.addAll(List.of("--port", port.toString()));
      }
      if (bind != null) {
        cmd.addAll(List.of("--bind", bind));
      }
      if (force) {
        cmd.add("--force");
      }
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectErrorStream(true);
      pb.environment().putAll(ctx.env);
      Process p = pb.start();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < deadline) {
        Optional<GatewayFile> g = GatewayFile.read(ctx.home().gatewayFile()).filter(f -> f.pid() == p.pid());
        if (g.isPresent() && g.get().portOpen(500)) {
          Output out = new Output(json, ctx.out, ctx.zone());
          if (json) {
            out.document(Map.of("pid", p.pid(), "url", g.get().url(), "log", log.toString()));
          } else {
            out.line("Gateway running: " + g.get().url() + " (pid " + p.pid() + ", log " + log + ")");
          }
          return ExitCode.OK;
        }
        if (!p.isAlive()) {
          ctx.err.println("kanban: the gateway exited at start (code " + p.exitValue() + "); the end of " + log + ":");
          tail(log, 20).forEach(l -> ctx.err.println("  " + l));
          return ExitCode.FAILED;
        }
        Thread.sleep(100);
      }
      throw KanbanException.unavailable("the gateway did not come up within 60 s; see " + log, null);
    }

    private static List<String> tail(Path log, int lines) {
      try {
        List<String> all = Files.readAllLines(log);
        return all.subList(Math.max(0, all.size() - lines), all.size());
      } catch (IOException e) {
        return List.of();
      }
    }
  }

  @Command(header = "Stop the background gateway.", name = "stop", mixinStandardHelpOptions = true,
      description = {"Stop the gateway with SIGTERM. Workers keep running and the next gateway adopts them,",
          "unless --stop-workers."})
  static final class Stop implements Callable<Integer> {
    @Option(names = "--stop-workers", description = "Stop every worker first (their runs are released).") boolean stopWorkers;
    @Option(names = "--json", description = "Print a JSON document.") boolean json;
    private final CliContext ctx;

    Stop(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      GatewayFile g = live(ctx).orElseThrow(() -> KanbanException.notFound("no gateway is running for " + ctx.home().root()));
      ProcessHandle h = ProcessHandle.of(g.pid()).orElseThrow(() -> KanbanException.notFound("no gateway is running"));
      if (stopWorkers) {
        Files.writeString(ctx.home().root().resolve(STOP_WORKERS_FLAG), Long.toString(g.pid()));
      }
      h.destroy();
      try {
        h.onExit().get(120, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw KanbanException.unavailable("the gateway (pid " + g.pid() + ") did not stop within 120 s", e);
      }
      Output out = new Output(json, ctx.out, ctx.zone());
      if (json) {
        out.document(Map.of("stopped", true, "pid", g.pid(), "workers_stopped", stopWorkers));
      } else {
        out.line("Gateway stopped (pid " + g.pid() + ")" + (stopWorkers ? ", workers stopped" : "; workers keep running"));
      }
      return ExitCode.OK;
    }
  }

  @Command(header = "Show whether a gateway runs, and where.", name = "status", mixinStandardHelpOptions = true,
      description = "Exit code 0 when a gateway is running, 3 when none is.")
  static final class Status implements Callable<Integer> {
    @Option(names = "--json", description = "Print a JSON document.") boolean json;
    private final CliContext ctx;

    Status(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Optional<GatewayFile> g = live(ctx);
      Output out = new Output(json, ctx.out, ctx.zone());
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("running", g.isPresent());
      com.fasterxml.jackson.databind.JsonNode health = g.map(f -> health(f.url())).orElse(null);
      g.ifPresent(f -> {
        doc.put("pid", f.pid());
        doc.put("url", f.url());
        doc.put("started_at", f.startedAt());
        doc.put("answering", f.portOpen(1000));
        doc.put("health", health);
      });
      if (json) {
        out.document(doc);
      } else if (g.isPresent()) {
        out.line("Gateway running: " + g.get().url() + " (pid " + g.get().pid() + ", since " + out.time(g.get().startedAt())
            + (g.get().portOpen(1000) ? ")" : ", NOT answering)"));
        printHealth(out, health);
      } else {
        out.line("No gateway is running for " + ctx.home().root());
      }
      return g.isPresent() ? ExitCode.OK : ExitCode.NOT_FOUND;
    }

    /** The gateway's /api/v1/health document (public; the same JSON with 200 or 503), or null. */
    private static com.fasterxml.jackson.databind.JsonNode health(String url) {
      try {
        var client = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();
        var reply = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/v1/health"))
            .timeout(java.time.Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return org.agentkanban.wire.Json.mapper().readTree(reply.body());
      } catch (java.io.IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    /** Every board that is not simply healthy: its state, the cause and the way out. */
    private static void printHealth(Output out, com.fasterxml.jackson.databind.JsonNode health) {
      if (health == null) {
        return;
      }
      out.line("Health: " + health.path("status").asText("unknown"));
      if (!health.path("config_problem").isNull() && health.hasNonNull("config_problem")) {
        out.line("  config.yaml: " + health.path("config_problem").asText());
      }
      for (var b : health.path("boards")) {
        String status = b.path("status").asText();
        if (!"healthy".equals(status)) {
          out.line("  board '" + b.path("board").asText() + "' is " + status + ": " + b.path("cause").asText("")
              + (b.hasNonNull("action") ? "\n    way out: " + b.path("action").asText() : ""));
        }
        if (b.hasNonNull("warning")) {
          out.line("  board '" + b.path("board").asText() + "': WARNING: " + b.path("warning").asText());
        }
      }
    }
  }
}
