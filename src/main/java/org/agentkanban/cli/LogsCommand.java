package org.agentkanban.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Print a worker's output.", name = "logs", mixinStandardHelpOptions = true,
    description = {"Print the output of a task's latest run (or --run N), read from",
        "$KANBAN_HOME/boards/<board>/logs/<task>/<run>.log. With --follow, keep printing as the worker",
        "writes, until its run ends."},
    footer = {"", "Examples:", "  kanban logs t_8k2m4q7wxz", "  kanban logs t_8k2m4q7wxz --follow", "  kanban logs t_8k2m4q7wxz --run 3 --tail 4000"})
final class LogsCommand extends BoardCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "<id>", description = "The task (default: $KANBAN_TASK).")
  String id;

  @Option(names = "--run", paramLabel = "<run id>", description = "This run instead of the latest.")
  Long run;

  @Option(names = "--tail", paramLabel = "<bytes>", description = "Only the last bytes of the log.")
  Long tail;

  @Option(names = "--follow", description = "Keep printing new output until the run ends.")
  boolean follow;

  LogsCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    if (id == null) {
      id = ctx.defaultTask();
    }
    if (id == null) {
      throw KanbanException.invalid("give a task id");
    }
    TaskIds.require(id);
    if (tail != null && tail <= 0) {
      throw KanbanException.invalid("--tail must be positive");
    }
  }

  @Override
  int run(BoardService board, Output out) {
    var runs = board.runs(id);
    Path dir = ctx.home().logsDir(board.board()).resolve(id);
    long runId = run != null ? run : latestLogged(dir, runs);
    Path log = dir.resolve(runId + ".log");
    if (!Files.exists(log)) {
      throw KanbanException.notFound("no log for run " + runId + " of " + id + " (" + log + ")");
    }
    long offset = 0;
    try {
      long size = Files.size(log);
      if (tail != null) {
        offset = Math.max(0, size - tail);
      }
      offset = copy(log, offset, out);
      while (follow) {
        final long current = runId;
        boolean open = board.runs(id).stream().anyMatch(r -> r.id() == current && r.isOpen());
        long before = offset;
        offset = copy(log, offset, out);
        if (!open && offset == before) {
          break;
        }
        Thread.sleep(200);
      }
    } catch (IOException e) {
      throw KanbanException.unavailable("cannot read " + log + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCode.OK;
  }

  private static long latestLogged(Path dir, java.util.List<org.agentkanban.domain.Run> runs) {
    if (!runs.isEmpty()) {
      for (int i = runs.size() - 1; i >= 0; i--) {
        if (Files.exists(dir.resolve(runs.get(i).id() + ".log"))) {
          return runs.get(i).id();
        }
      }
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+\\.log"))
            .map(n -> Long.parseLong(n.substring(0, n.length() - 4))).max(Comparator.naturalOrder())
            .orElseThrow(() -> KanbanException.notFound("no worker has written a log for this task yet"));
      } catch (IOException e) {
        throw KanbanException.unavailable("cannot list " + dir + ": " + e.getMessage(), e);
      }
    }
    throw KanbanException.notFound("no worker has written a log for this task yet");
  }

  /** Prints the bytes from {@code offset} to the end; a rotated (shorter) log restarts at 0. */
  private static long copy(Path log, long offset, Output out) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(log.toFile(), "r")) {
      long len = raf.length();
      if (len < offset) {
        offset = 0;
      }
      if (len == offset) {
        return offset;
      }
      raf.seek(offset);
      byte[] buf = new byte[(int) Math.min(len - offset, 1 << 20)];
      raf.readFully(buf);
      out.out.print(new String(buf, StandardCharsets.UTF_8));
      out.out.flush();
      return offset + buf.length;
    }
  }
}
