package org.agentkanban.cli;

import java.util.List;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TextRules;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "A reviewer's verdict: send the task back.",
    name = "request-changes", mixinStandardHelpOptions = true,
    description = {"The reviewer's verdict on a review run: back to the implementer with the reason",
        "(added as a comment). For a task waiting in review without a run, use reopen-review."},
    footer = {"", "Example:", "  kanban request-changes t_8k2m4q7wxz the v1 header path is untested"})
final class RequestChangesCommand extends BoardCommand {
  @Parameters(paramLabel = "<id> <reason>", arity = "0..*") List<String> words;
  @Option(names = "--run", paramLabel = "<run id>", description = "Act for this run; refused once it is not current.") Long run;

  private Bulk.IdsAndText parsed;

  RequestChangesCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    parsed = Bulk.idsAndText(words, ctx);
    if (parsed.ids().size() != 1) {
      throw KanbanException.invalid("request-changes takes one task id");
    }
    if (parsed.text() == null) {
      throw KanbanException.invalid("say what must change: kanban request-changes <id> <reason>");
    }
    TextRules.reason(parsed.text());
  }

  @Override
  int run(BoardService board, Output out) {
    return Bulk.run(ctx, out, parsed.ids(), i -> board.requestChanges(i, parsed.text(), ctx.actor(run)));
  }
}
