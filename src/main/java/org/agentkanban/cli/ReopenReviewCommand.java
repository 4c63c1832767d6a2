package org.agentkanban.cli;

import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskView;
import picocli.CommandLine.Command;

@Command(header = "Send tasks in review back to their implementer.",
    name = "reopen-review", mixinStandardHelpOptions = true,
    description = "Send tasks in review back to their implementer (ready, or todo while parents are unfinished).",
    footer = {"", "Example:", "  kanban reopen-review t_8k2m4q7wxz the tests do not cover v1"})
final class ReopenReviewCommand extends IdsReasonCommand {
  ReopenReviewCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  TaskView apply(BoardService board, String id, String reason) {
    return board.reopenReview(id, reason, ctx.actor(null));
  }
}
