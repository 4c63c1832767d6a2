package org.agentkanban.cli;

import java.util.List;
import org.agentkanban.domain.Durations;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(header = "List a task's attempts.",
    name = "runs", mixinStandardHelpOptions = true, description = "List the attempts (runs) of a task, oldest first.")
final class RunsCommand extends BoardCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "<id>", description = "The task (default: $KANBAN_TASK).")
  String id;

  RunsCommand(CliContext ctx) {
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
  }

  @Override
  int run(BoardService board, Output out) {
    List<Run> runs = board.runs(id);
    if (out.json) {
      out.document(org.agentkanban.api.Documents.runs(id, runs));
    } else if (runs.isEmpty()) {
      out.line("No runs.");
    } else {
      runs.forEach(r -> out.line(line(r, out)));
    }
    return ExitCode.OK;
  }

  static String line(Run r, Output out) {
    String outcome = r.outcome() == null ? "open" : r.outcome().wire();
    String took = r.endedAt() == null ? "running" : Durations.format(Math.max(0, r.endedAt() - r.startedAt()));
    String text = ShowCommand.runSummary(r);
    return String.format("#%-5d %-18s %-12s %s  %-8s %s", r.id(), outcome, ListCommand.dash(r.assignee()),
        out.time(r.startedAt()), took, text.lines().findFirst().orElse(""));
  }
}
