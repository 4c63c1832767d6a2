package org.agentkanban.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.agentkanban.domain.Durations;
import org.agentkanban.domain.Status;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.BoardStats;
import picocli.CommandLine.Command;

@Command(header = "Counts by status, assignee and run outcome.",
    name = "stats", mixinStandardHelpOptions = true, description = "Counts by status, assignee and run outcome.")
final class StatsCommand extends BoardCommand {
  StatsCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  int run(BoardService board, Output out) {
    BoardStats s = board.stats();
    Map<String, Integer> byStatus = new LinkedHashMap<>();
    for (Status st : Status.values()) {
      byStatus.put(st.wire(), s.byStatus().getOrDefault(st, 0));
    }
    Map<String, Integer> runs = new LinkedHashMap<>();
    s.runsByOutcome().forEach((k, v) -> runs.put(k.wire(), v));
    if (out.json) {
      out.document(org.agentkanban.api.Documents.stats(s));
      return ExitCode.OK;
    }
    out.line("Board " + s.board());
    byStatus.forEach((k, v) -> out.line(String.format("  %-10s %d", k, v)));
    if (!s.byAssignee().isEmpty()) {
      out.line("By assignee (not archived):");
      s.byAssignee().forEach((k, v) -> out.line(String.format("  %-16s %d", k.isEmpty() ? "(none)" : k, v)));
    }
    if (!runs.isEmpty()) {
      out.line("Runs by outcome:");
      runs.forEach((k, v) -> out.line(String.format("  %-18s %d", k, v)));
    }
    if (s.oldestReadyAgeMs() != null) {
      out.line("Oldest ready task waiting: " + Durations.format(Math.max(1000, s.oldestReadyAgeMs() / 1000 * 1000)));
    }
    out.line("Events: " + s.events());
    return ExitCode.OK;
  }
}
