package org.agentkanban.cli;

import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskView;
import picocli.CommandLine.Command;

@Command(header = "Move tasks to ready now.",
    name = "promote", mixinStandardHelpOptions = true,
    description = "Move tasks to ready now: from triage, todo, blocked or scheduled. Refused while a parent is unfinished.",
    footer = {"", "Example:", "  kanban promote t_8k2m4q7wxz"})
final class PromoteCommand extends IdsReasonCommand {
  PromoteCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  TaskView apply(BoardService board, String id, String reason) {
    return board.promote(id, reason, ctx.actor(null));
  }
}
