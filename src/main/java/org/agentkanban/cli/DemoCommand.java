package org.agentkanban.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.gateway.Gateway;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.store.TaskQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Run a small pipeline of real workers on a fresh board.", name = "demo", mixinStandardHelpOptions = true,
    description = {"Create a fresh demo home, start a gateway on it and run a pipeline of real shell workers:",
        "one fetches numbers, three analyse a third each (one crashes once and succeeds on its retry),",
        "one writes the report when all three are done, and one blocks, asking a person for input.",
        "Progress is printed as it happens; the gateway keeps serving until Ctrl-C unless --exit-when-done."},
    footer = {"", "Examples:", "  kanban demo", "  kanban demo --exit-when-done"})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--home", paramLabel = "<dir>", description = "Where to create the demo home (default: a new temporary directory).")
  Path home;

  @Option(names = "--port", description = "API port (default 7420, or a free one if that is taken).")
  Integer port;

  @Option(names = "--exit-when-done", description = "Stop once every task is done or waits for a person; exit 0 if it went as planned.")
  boolean exitWhenDone;

  private final CliContext ctx;

  DemoCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Path root = home != null ? home.toAbsolutePath() : Files.createTempDirectory("kanban-demo-");
    if (Files.exists(root.resolve("boards"))) {
      throw KanbanException.invalid(root + " already holds boards; the demo needs a fresh home (omit --home)");
    }
    Files.createDirectories(root.resolve("demo-data"));
    Files.writeString(root.resolve("config.yaml"), DemoPipeline.config(root.resolve("demo-data")));
    Map<String, String> env = new LinkedHashMap<>(ctx.env);
    env.put("KANBAN_HOME", root.toString());
    CliContext demo = new CliContext(env, ctx.out, ctx.err, ctx.in, ctx.clock);
    Gateway gateway;
    try {
      gateway = ServeCommand.start(demo, "127.0.0.1", port != null ? port : 7420);
    } catch (KanbanException e) {
      if (port != null) {
        throw e;
      }
      gateway = ServeCommand.start(demo, "127.0.0.1", 0);
    }
    Gateway running = gateway;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> running.stop(true), "kanban-demo-shutdown"));
    BoardService board = gateway.board("default");
    ctx.out.println("Agent Kanban demo");
    ctx.out.println("  home      " + root);
    ctx.out.println("  API       " + gateway.url() + "/api/v1/health   (admin token in " + root.resolve("gateway.json") + ")");
    ctx.out.println("  try       KANBAN_HOME=" + root + " ./kanban list      (in another terminal)");
    ctx.out.println();
    long start = ctx.clock.now();
    List<String> ids = DemoPipeline.create(board, Actor.person("demo"));
    Map<String, String> titles = new LinkedHashMap<>();
    for (String id : ids) {
      titles.put(id, board.show(id, 0).view().task().title());
    }
    long cursor = 0;
    boolean settledReported = false;
    while (true) {
      for (Event e : board.events(cursor, null, 500)) {
        cursor = e.id();
        String line = DemoPipeline.describe(e, titles);
        if (line != null) {
          ctx.out.printf("[%5.1fs] %s%n", (e.createdAt() - start) / 1000.0, line);
        }
      }
      ctx.out.flush();
      List<Task> open = board.list(new TaskQuery(EnumSet.of(Status.TODO, Status.READY, Status.RUNNING, Status.SCHEDULED,
          Status.TRIAGE, Status.REVIEW), null, null, false, 100, null)).stream().map(v -> v.task()).toList();
      if (open.isEmpty()) {
        List<Task> all = new ArrayList<>();
        board.list(TaskQuery.all()).forEach(v -> all.add(v.task()));
        long done = all.stream().filter(t -> t.status() == Status.DONE).count();
        List<Task> waiting = all.stream().filter(t -> t.status() == Status.BLOCKED).toList();
        if (!settledReported) {
          settledReported = true;
          ctx.out.println();
          ctx.out.println(done + " tasks done, " + waiting.size() + " waiting for a person.");
          waiting.forEach(t -> ctx.out.println("  " + t.id() + " " + t.title() + ": " + t.blockReason()));
          if (!waiting.isEmpty()) {
            ctx.out.println("  unblock it: KANBAN_HOME=" + root + " ./kanban unblock " + waiting.get(0).id());
          }
          if (exitWhenDone) {
            gateway.stop(true);
            return done == DemoPipeline.EXPECTED_DONE && waiting.size() == DemoPipeline.EXPECTED_WAITING
                ? ExitCode.OK : ExitCode.FAILED;
          }
          ctx.out.println("The gateway keeps serving " + gateway.url() + "; Ctrl-C to stop.");
        }
      } else {
        settledReported = false;
      }
      Thread.sleep(200);
    }
  }
}
