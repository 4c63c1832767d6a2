package org.agentkanban.cli;

import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskView;
import picocli.CommandLine.Command;

@Command(header = "Put blocked or scheduled tasks back in line.",
    name = "unblock", mixinStandardHelpOptions = true,
    description = "Put blocked (or scheduled) tasks back in line: ready, review, or todo while parents are unfinished. Resets the failure counter.",
    footer = {"", "Example:", "  kanban unblock t_8k2m4q7wxz the key is in the vault now"})
final class UnblockCommand extends IdsReasonCommand {
  UnblockCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  TaskView apply(BoardService board, String id, String reason) {
    return board.unblock(id, reason, ctx.actor(null));
  }
}
