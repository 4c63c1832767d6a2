package org.agentkanban.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.agentkanban.bench.BenchOptions;
import org.agentkanban.bench.CrashBenchmark;
import org.agentkanban.bench.GatewayBenchmark;
import org.agentkanban.bench.StoreBenchmark;
import org.agentkanban.domain.KanbanException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Run a benchmark: store, gateway or crash.",
    name = "bench", mixinStandardHelpOptions = true,
    description = {"Each suite prints one table with its baselines measured in the same run. See docs/BENCHMARKS.md.",
        "  store    raw SQLite commits/s (the baseline), task lifecycles/s with",
        "           synchronous FULL and NORMAL and their ratio to it, list and show",
        "           latencies on a board of --tasks tasks.",
        "  gateway  a real 'kanban serve' with real workers: ready -> worker started",
        "           p50/p99 through the API, a CLI process and a direct board write;",
        "           worker SIGKILL -> task ready again; end-to-end tasks/s against the",
        "           raw spawn rate of the same command; an idle gateway's CPU and RSS",
        "           with 10 boards. Exits 1 if a correctness check fails.",
        "  crash    the crash-safety figures: processes killed at random instants,",
        "           damaged files, transient faults, a soak (docs/CRASH-SAFETY.md).",
        "           Exits 1 if any drill finds a violation. --long runs the long",
        "           sizes; --only picks drills."},
    footer = {"", "Examples:", "  kanban bench", "  kanban bench store --seconds 10 --dir /var/lib/kanban",
        "  kanban bench --quick          # a smoke run: the numbers mean nothing",
        "  kanban bench gateway",
        "  kanban bench crash --only writer-kills"})
final class BenchCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0", arity = "0..1", paramLabel = "<suite>", defaultValue = "store",
      description = "Which benchmark: store (default), gateway or crash.")
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

  @Option(names = "--long", description = "crash: the long torture and soak sizes (takes hours); gateway: 10x the samples.")
  boolean longMode;

  @Option(names = "--only", split = ",", paramLabel = "<drill>",
      description = "crash: run only these drills (comma-separated).")
  java.util.List<String> only = new java.util.ArrayList<>();

  BenchCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Path where = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
    BenchOptions options = new BenchOptions(where, quick, longMode, seconds, tasks);
    switch (suite) {
      case "store" -> {
        StoreBenchmark.Options storeOptions = quick ? StoreBenchmark.Options.quick(where)
            : new StoreBenchmark.Options(tasks, seconds, where, false);
        new StoreBenchmark(storeOptions, ctx.out, ctx.err).run();
        return ExitCode.OK;
      }
      case "gateway" -> {
        boolean passed = new GatewayBenchmark(options, ctx.out, ctx.err).run();
        return passed ? ExitCode.OK : ExitCode.FAILED;
      }
      case "crash" -> {
        boolean passed = new CrashBenchmark(options, new java.util.HashSet<>(only), ctx.out, ctx.err).run();
        return passed ? ExitCode.OK : ExitCode.FAILED;
      }
      default -> throw KanbanException.invalid("unknown benchmark '" + suite + "'; expected: store, gateway, crash");
    }
  }
}
