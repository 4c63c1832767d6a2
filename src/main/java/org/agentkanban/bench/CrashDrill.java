package org.agentkanban.bench;

import java.io.PrintStream;

/**
 * One part of {@code kanban bench crash}: a torture or drill against real processes and files
 * that adds its figures to the shared table. A drill that finds a violation (an integrity
 * failure, a lost acknowledged write, a duplicate worker) reports it as a FAIL row; it throws only
 * when it could not run at all.
 */
interface CrashDrill {
  /** Short name, accepted by {@code --only}. */
  String name();

  void run(BenchOptions options, ResultTable table, PrintStream progress) throws Exception;
}
