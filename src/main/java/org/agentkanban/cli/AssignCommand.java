package org.agentkanban.cli;

import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Give a task to an assignee (or none).",
    name = "assign", aliases = "reassign", mixinStandardHelpOptions = true,
    description = {"Give a task to an assignee ('none' to unassign). A different assignee resets the",
        "failure counter. A running task needs --reclaim, which stops its run first."})
final class AssignCommand extends BoardCommand {
  @Parameters(index = "0", paramLabel = "<id>") String id;
  @Parameters(index = "1", paramLabel = "<assignee|none>") String assignee;
  @Option(names = "--reclaim", description = "Stop the current run of a running task and reassign it.") boolean reclaim;

  AssignCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    TaskIds.require(id);
    org.agentkanban.domain.TextRules.assignee(target());
  }

  private String target() {
    return switch (assignee.toLowerCase(java.util.Locale.ROOT)) {
      case "none", "-", "null", "" -> null;
      default -> assignee;
    };
  }

  @Override
  int run(BoardService board, Output out) {
    var v = board.assign(id, target(), reclaim, ctx.actor(null));
    if (out.json) {
      out.document(Documents.task(v));
    } else {
      out.line(v.id() + "  assigned to " + ListCommand.dash(v.task().assignee()) + "  (" + v.task().status().wire() + ")");
    }
    return ExitCode.OK;
  }
}
