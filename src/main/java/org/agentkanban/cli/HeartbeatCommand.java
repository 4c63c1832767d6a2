package org.agentkanban.cli;

import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Renew a running task's lease.",
    name = "heartbeat", mixinStandardHelpOptions = true,
    description = "Tell the board a running task's worker is alive: renews the run's lease.")
final class HeartbeatCommand extends BoardCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "<id>", description = "The task (default: $KANBAN_TASK).")
  String id;

  @Option(names = "--note", description = "A progress note, kept in the event log.")
  String note;

  @Option(names = "--run", paramLabel = "<run id>", description = "Heartbeat for this run; refused once it is not current.")
  Long run;

  HeartbeatCommand(CliContext ctx) {
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
    org.agentkanban.domain.TextRules.reason(note);
  }

  @Override
  int run(BoardService board, Output out) {
    var v = board.heartbeat(id, note, ctx.actor(run));
    if (out.json) {
      out.document(Documents.task(v));
    } else {
      out.line(id + "  heartbeat recorded (run " + v.task().currentRunId() + ")");
    }
    return ExitCode.OK;
  }
}
