package org.agentkanban.cli;

import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(header = "Make a child task wait for a parent.",
    name = "link", mixinStandardHelpOptions = true,
    description = {"Make <child> wait for <parent>. A ready child goes back to todo until the parent is",
        "done or archived. Self-links and cycles are refused."},
    footer = {"", "Example:", "  kanban link t_parent0001 t_child00001"})
final class LinkCommand extends BoardCommand {
  @Parameters(index = "0", paramLabel = "<parent>") String parent;
  @Parameters(index = "1", paramLabel = "<child>") String child;

  LinkCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    TaskIds.require(parent);
    TaskIds.require(child);
  }

  @Override
  int run(BoardService board, Output out) {
    var v = board.link(parent, child, ctx.actor(null));
    if (out.json) {
      out.document(Documents.task(v));
    } else {
      out.line("Linked " + parent + " -> " + child + "  (" + child + " is " + v.task().status().wire() + ")");
    }
    return ExitCode.OK;
  }
}
