package org.agentkanban.cli;

import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(header = "Remove a dependency.",
    name = "unlink", mixinStandardHelpOptions = true,
    description = "Remove a dependency. A waiting child whose parents are now all done becomes ready.")
final class UnlinkCommand extends BoardCommand {
  @Parameters(index = "0", paramLabel = "<parent>") String parent;
  @Parameters(index = "1", paramLabel = "<child>") String child;

  UnlinkCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    TaskIds.require(parent);
    TaskIds.require(child);
  }

  @Override
  int run(BoardService board, Output out) {
    var v = board.unlink(parent, child, ctx.actor(null));
    if (out.json) {
      out.document(Documents.task(v));
    } else {
      out.line("Unlinked " + parent + " -> " + child + "  (" + child + " is " + v.task().status().wire() + ")");
    }
    return ExitCode.OK;
  }
}
