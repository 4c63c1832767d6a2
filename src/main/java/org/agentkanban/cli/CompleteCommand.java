package org.agentkanban.cli;

import java.util.List;
import org.agentkanban.domain.TextRules;
import org.agentkanban.service.BoardService;
import org.agentkanban.wire.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Mark tasks done.",
    name = "complete", aliases = "done", mixinStandardHelpOptions = true,
    description = {"Mark tasks done. Children whose parents are now all done become ready.",
        "Refused while a parent is unfinished."},
    footer = {"", "Examples:", "  kanban complete t_8k2m4q7wxz --summary \"Parser handles v2 headers\"",
        "  kanban complete t_a t_b", "  kanban complete --summary \"done\" --metadata '{\"tests\":\"42 passed\"}'   # inside a worker"})
final class CompleteCommand extends BoardCommand {
  @Parameters(paramLabel = "<id>", arity = "0..*", description = "Tasks to complete (default: $KANBAN_TASK).")
  List<String> ids;

  @Option(names = "--summary", description = "What was done, for people and for the next tasks.")
  String summary;

  @Option(names = "--summary-file", paramLabel = "<file|->", description = "Read the summary from a file or stdin.")
  String summaryFile;

  @Option(names = "--metadata", paramLabel = "<json>", description = "A JSON object of structured results.")
  String metadata;

  @Option(names = "--force", description = "Complete even though a worker process is running the task.")
  boolean force;

  @Option(names = "--run", paramLabel = "<run id>", description = "Complete for this run; refused once it is not current.")
  Long run;

  private Bulk.IdsAndText parsed;

  CompleteCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    parsed = Bulk.idsAndText(ids, ctx);
    if (parsed.text() != null) {
      throw org.agentkanban.domain.KanbanException.invalid("'" + parsed.text().split(" ")[0]
          + "' is not a task id (give the summary with --summary)");
    }
    if (summary != null && summaryFile != null) {
      throw org.agentkanban.domain.KanbanException.invalid("give --summary or --summary-file, not both");
    }
    if (summaryFile != null) {
      summary = TextInput.read(ctx, summaryFile, "summary", TextRules.SUMMARY_MAX_BYTES);
    }
    TextRules.summary(summary);
    Json.requireObject("--metadata", metadata);
  }

  @Override
  int run(BoardService board, Output out) {
    return Bulk.run(ctx, out, parsed.ids(), id -> board.complete(id, summary, metadata, force, ctx.actor(run)));
  }
}
