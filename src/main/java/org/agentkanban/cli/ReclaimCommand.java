package org.agentkanban.cli;

import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskView;
import picocli.CommandLine.Command;

@Command(header = "Release running tasks now.",
    name = "reclaim", mixinStandardHelpOptions = true,
    description = "Release running tasks now (their runs close as reclaimed) and reset the failure counter.",
    footer = {"", "Example:", "  kanban reclaim t_8k2m4q7wxz worker is stuck"})
final class ReclaimCommand extends IdsReasonCommand {
  ReclaimCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  TaskView apply(BoardService board, String id, String reason) {
    return board.reclaim(id, reason, ctx.actor(null));
  }
}
