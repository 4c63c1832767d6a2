package org.agentkanban.cli;

import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(header = "List a task's attachments.",
    name = "attachments", mixinStandardHelpOptions = true, description = "List a task's attachments and where their bytes are.")
final class AttachmentsCommand extends BoardCommand {
  @Parameters(index = "0", paramLabel = "<id>") String id;

  AttachmentsCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    TaskIds.require(id);
  }

  @Override
  int run(BoardService board, Output out) {
    var list = board.attachments(id);
    var dir = ctx.home().attachmentsDir(board.board()).resolve(id);
    if (out.json) {
      out.document(org.agentkanban.api.Documents.attachments(id, list, a -> dir.resolve(a.storedName()).toString()));
    } else if (list.isEmpty()) {
      out.line("No attachments.");
    } else {
      list.forEach(a -> out.line(String.format("#%-5d %-40s %10d  %-24s %s", a.id(), a.filename(), a.size(),
          a.contentType(), dir.resolve(a.storedName()))));
    }
    return ExitCode.OK;
  }
}
