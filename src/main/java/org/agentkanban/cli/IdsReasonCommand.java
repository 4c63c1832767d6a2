package org.agentkanban.cli;

import java.util.List;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TextRules;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskView;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A lifecycle verb over several ids with an optional reason: {@code verb t_a t_b [reason words]}. */
abstract class IdsReasonCommand extends BoardCommand {
  @Parameters(paramLabel = "<id>... [reason]", arity = "0..*", description = "Task ids, then an optional reason.")
  List<String> words;

  @Option(names = "--reason", description = "The reason (instead of trailing words).")
  String reason;

  private Bulk.IdsAndText parsed;

  IdsReasonCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    parsed = Bulk.idsAndText(words, ctx);
    if (reason != null && parsed.text() != null) {
      throw KanbanException.invalid("give the reason as words or with --reason, not both");
    }
    TextRules.reason(reason());
    validateMore();
  }

  void validateMore() {}

  String reason() {
    return reason != null ? reason : parsed.text();
  }

  List<String> ids() {
    return parsed.ids();
  }

  abstract TaskView apply(BoardService board, String id, String reason);

  @Override
  int run(BoardService board, Output out) {
    return Bulk.run(ctx, out, ids(), id -> apply(board, id, reason()));
  }
}
