package org.agentkanban.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(header = "Run the benchmarks.",
    name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (see docs/BENCHMARKS.md).")
final class BenchCommand implements Callable<Integer> {
  private final CliContext ctx;

  BenchCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ctx.err.println("kanban: no benchmark yet");
    return ExitCode.FAILED;
  }
}
