package org.agentkanban.cli;

import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.domain.TextRules;
import org.agentkanban.service.BoardService;
import org.agentkanban.wire.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Hand a task off for review.",
    name = "request-review", mixinStandardHelpOptions = true,
    description = {"Hand a task off for review. With --reviewer it is reassigned to the reviewer; the",
        "implementer is restored when the reviewer requests changes."},
    footer = {"", "Example:", "  kanban request-review t_8k2m4q7wxz --summary \"PR #12 ready\" --reviewer qa"})
final class RequestReviewCommand extends BoardCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "<id>", description = "The task (default: $KANBAN_TASK).")
  String id;

  @Option(names = "--summary", description = "What to review.") String summary;
  @Option(names = "--metadata", paramLabel = "<json>", description = "A JSON object.") String metadata;
  @Option(names = "--reviewer", description = "Reassign to this reviewer.") String reviewer;
  @Option(names = "--run", paramLabel = "<run id>", description = "Act for this run; refused once it is not current.") Long run;

  RequestReviewCommand(CliContext ctx) {
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
    TextRules.summary(summary);
    TextRules.assignee(reviewer);
    Json.requireObject("--metadata", metadata);
  }

  @Override
  int run(BoardService board, Output out) {
    return Bulk.run(ctx, out, java.util.List.of(id), i -> board.requestReview(i, summary, metadata, reviewer, ctx.actor(run)));
  }
}
