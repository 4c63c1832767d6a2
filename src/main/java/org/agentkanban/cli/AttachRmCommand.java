package org.agentkanban.cli;

import java.util.List;
import java.util.Map;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(header = "Remove attachments.",
    name = "attach-rm", mixinStandardHelpOptions = true, description = "Remove attachments by their number (see 'kanban attachments').")
final class AttachRmCommand extends BoardCommand {
  @Parameters(paramLabel = "<attachment id>", arity = "1..*") List<Long> ids;

  AttachRmCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  int run(BoardService board, Output out) {
    for (long id : ids) {
      board.attachRemove(id, ctx.actor(null));
      if (!out.json) {
        out.line("Removed attachment #" + id);
      }
    }
    if (out.json) {
      out.document(Map.of("removed", ids));
    }
    return ExitCode.OK;
  }
}
