package org.agentkanban.cli;

import java.nio.file.Path;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import org.agentkanban.wire.AttachmentJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Attach a file to a task.",
    name = "attach", mixinStandardHelpOptions = true,
    description = {"Attach a file to a task (copied into the board; 25 MiB by default, set",
        "KANBAN_ATTACHMENT_MAX_BYTES to change). Names are plain file names: no '/', '..' or leading '.'."},
    footer = {"", "Example:", "  kanban attach t_8k2m4q7wxz ./report.pdf --name q3-report.pdf"})
final class AttachCommand extends BoardCommand {
  @Parameters(index = "0", paramLabel = "<id>") String id;
  @Parameters(index = "1", paramLabel = "<file>") Path file;
  @Option(names = "--name", description = "The name to show (default: the file's name).") String name;
  @Option(names = "--content-type", paramLabel = "<type/subtype>") String contentType;

  AttachCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    TaskIds.require(id);
  }

  @Override
  int run(BoardService board, Output out) {
    var a = board.attach(id, file.toAbsolutePath(), name, contentType, ctx.actor(null));
    Path stored = ctx.home().attachmentsDir(board.board()).resolve(id).resolve(a.storedName());
    if (out.json) {
      out.document(AttachmentJson.of(a, stored.toString()));
    } else {
      out.line("Attached " + a.filename() + " to " + id + " (#" + a.id() + ", " + a.size() + " bytes)");
    }
    return ExitCode.OK;
  }
}
