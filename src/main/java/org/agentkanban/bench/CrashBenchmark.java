package org.agentkanban.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.agentkanban.domain.KanbanException;

/**
 * {@code kanban bench crash}: the crash-safety figures of docs/CRASH-SAFETY.md, from drills that
 * kill real processes and damage real files. Prints one table; a FAIL anywhere makes the run fail.
 */
public final class CrashBenchmark {
  private static final List<CrashDrill> DRILLS = List.of(
      new WriterKillDrill(),
      new GatewayKillDrill(),
      new DamageDrill(),
      new BackupDrill(),
      new FaultDrill(),
      new SoakDrill());

  private final BenchOptions options;
  private final Set<String> only;
  private final PrintStream out;
  private final PrintStream progress;

  public CrashBenchmark(BenchOptions options, Set<String> only, PrintStream out, PrintStream progress) {
    this.options = options;
    this.only = Set.copyOf(only);
    this.out = out;
    this.progress = progress;
    for (String name : only) {
      if (DRILLS.stream().noneMatch(d -> d.name().equals(name))) {
        throw KanbanException.invalid("unknown crash drill '" + name + "'; expected one of: " + drillNames());
      }
    }
  }

  public static String drillNames() {
    return String.join(", ", DRILLS.stream().map(CrashDrill::name).toList());
  }

  /** @return whether every row with a target passed */
  public boolean run() throws Exception {
    ResultTable table = new ResultTable();
    for (CrashDrill drill : DRILLS) {
      if (only.isEmpty() || only.contains(drill.name())) {
        progress.println("crash drill: " + drill.name() + " ...");
        drill.run(options, table, progress);
      }
    }
    table.print(out);
    return table.rows().stream().noneMatch(r -> r.result().equals("FAIL"));
  }
}
