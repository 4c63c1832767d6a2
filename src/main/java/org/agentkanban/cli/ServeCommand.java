package org.agentkanban.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.agentkanban.api.ApiServer;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.gateway.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Run the gateway in the foreground.", name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the gateway: dispatch ready tasks of every board to worker processes, supervise them,",
        "serve the JSON API under /api/v1 and write $KANBAN_HOME/gateway.json so the CLI goes through it.",
        "SIGTERM or Ctrl-C stops it; workers keep running for the next gateway to adopt, unless",
        "--stop-workers. Assignees are configured in $KANBAN_HOME/config.yaml (see docs/GATEWAY.md)."},
    footer = {"", "Examples:", "  kanban serve", "  kanban serve --port 7421 --stop-workers",
        "  kanban serve --force      # also serve boards on a network file system (at your own risk)"})
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--port", description = "Port (default: config.yaml gateway.port, 7420; 0 picks a free one).")
  Integer port;

  @Option(names = "--bind", description = "Address (default: config.yaml gateway.bind, 127.0.0.1).")
  String bind;

  @Option(names = "--stop-workers", description = "On stop, end every worker (their runs are released).")
  boolean stopWorkers;

  @Option(names = "--force", description = {"Serve boards on a network file system (NFS, SMB, 9p, virtiofs, FUSE) anyway,",
      "with an error in the log and a warning in health; without it such a board is refused."})
  boolean force;

  private final CliContext ctx;

  ServeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    GatewayLogging.verbose();
    Gateway gateway = start(ctx, bind, port, force);
    ctx.out.println("Gateway listening on " + gateway.url() + " for " + ctx.home().root()
        + " (admin token in " + ctx.home().gatewayFile() + ")");
    ctx.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      var flag = ctx.home().root().resolve(GatewayCommand.STOP_WORKERS_FLAG);
      boolean stopAll = stopWorkers || Files.exists(flag);
      try {
        Files.deleteIfExists(flag);
      } catch (java.io.IOException ignored) {
        // the flag is advisory
      }
      gateway.stop(stopAll);
      stopped.countDown();
    }, "kanban-gateway-shutdown"));
    stopped.await();
    return ExitCode.OK;
  }

  /** Builds and starts a gateway for this home, with the HTTP API. */
  static Gateway start(CliContext ctx, String bind, Integer port) {
    return start(ctx, bind, port, false);
  }

  /** @param allowNetworkFileSystem {@code --force}: serve boards on a network file system anyway */
  static Gateway start(CliContext ctx, String bind, Integer port, boolean allowNetworkFileSystem) {
    Gateway gateway = new Gateway(ctx.home(), ctx.boards(), ctx.env, ctx.clock,
        new Gateway.Options(bind, port, ctx.env.get("KANBAN_LAUNCHER_DIR"), null)
            .allowingNetworkFileSystem(allowNetworkFileSystem),
        (context, b, p, token) -> {
          ApiServer server;
          try {
            server = new ApiServer(context, new ApiServer.Options(b, p, token, ctx.attachmentMaxBytes())).start();
          } catch (RuntimeException e) {
            throw KanbanException.unavailable("cannot listen on " + b + ":" + p + " (" + rootMessage(e)
                + "); pass --port or set gateway.port in config.yaml", e);
          }
          return new Gateway.Api() {
            @Override
            public int port() {
              return server.port();
            }

            @Override
            public void stop() {
              server.stop();
            }
          };
        });
    gateway.start();
    return gateway;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** JVM options a background gateway should inherit from this one (the native SQLite library). */
  static List<String> jvmOptionsForChild() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-Dorg.sqlite.") || a.startsWith("-Xlog"))
        .toList();
  }
}
