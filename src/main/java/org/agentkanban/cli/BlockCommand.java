package org.agentkanban.cli;

import java.util.List;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.TextRules;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Block tasks with a reason.",
    name = "block", mixinStandardHelpOptions = true,
    description = {"Block tasks with a reason. Kind dependency sends a task back to todo to wait on its",
        "parents; the same kind twice in a row sends it to triage for a person to rethink."},
    footer = {"", "Examples:", "  kanban block t_8k2m4q7wxz needs the staging API key --kind needs_input",
        "  kanban block t_a t_b waiting for the release"})
final class BlockCommand extends BoardCommand {
  @Parameters(paramLabel = "<id>... <reason>", arity = "0..*", description = "Task ids, then the reason.")
  List<String> words;

  @Option(names = "--kind", paramLabel = "<kind>", converter = Converters.BlockKindConverter.class,
      description = "dependency, needs_input, capability or transient.")
  BlockKind kind;

  @Option(names = "--reason", description = "The reason (instead of trailing words).")
  String reason;

  @Option(names = "--run", paramLabel = "<run id>", description = "Block for this run; refused once it is not current.")
  Long run;

  private Bulk.IdsAndText parsed;

  BlockCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    parsed = Bulk.idsAndText(words, ctx);
    if (reason != null && parsed.text() != null) {
      throw org.agentkanban.domain.KanbanException.invalid("give the reason as words or with --reason, not both");
    }
    TextRules.reason(text());
  }

  private String text() {
    return reason != null ? reason : parsed.text();
  }

  @Override
  int run(BoardService board, Output out) {
    return Bulk.run(ctx, out, parsed.ids(), id -> board.block(id, text(), kind, ctx.actor(run)));
  }
}
