package org.agentkanban.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.agentkanban.bench.StoreBenchmark;
import org.agentkanban.domain.KanbanException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Run the storage benchmark.",
    name = "bench", mixinStandardHelpOptions = true,
    description = {"Measures, on this machine and file system: raw SQLite commits/s (the baseline),",
        "task lifecycles/s (create -> claim -> complete) with synchronous FULL and NORMAL and their",
        "ratio to the baseline, then list and show latencies on a board of --tasks tasks.",
        "Prints one table; takes about a minute with the defaults. See docs/BENCHMARKS.md."},
    footer = {"", "Examples:", "  kanban bench", "  kanban bench store --seconds 10 --dir /var/lib/kanban",
        "  kanban bench --quick          # a smoke run: the numbers mean nothing"})
final class BenchCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0", arity = "0..1", paramLabel = "<suite>", defaultValue = "store",
      description = "Which benchmark: store (the only one so far).")
  String suite;

  @Option(names = "--tasks", paramLabel = "<n>", defaultValue = "100000",
      description = "Tasks on the big board for list/show (default ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--seconds", paramLabel = "<s>", defaultValue = "5",
      description = "Measuring time per commit rate and synchronous mode (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--dir", paramLabel = "<path>",
      description = "Where the temporary databases go (default: java.io.tmpdir). Benchmark the file system your boards live on.")
  Path dir;

  @Option(names = "--quick", description = "Tiny sizes, for a smoke test.")
  boolean quick;

  BenchCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (!"store".equals(suite)) {
      throw KanbanException.invalid("unknown benchmark '" + suite + "'; expected: store");
    }
    Path where = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
    StoreBenchmark.Options options = quick ? StoreBenchmark.Options.quick(where)
        : new StoreBenchmark.Options(tasks, seconds, where, false);
    new StoreBenchmark(options, ctx.out, ctx.err).run();
    return ExitCode.OK;
  }
}
