package org.agentkanban.cli;

import org.agentkanban.service.BoardService;
import org.agentkanban.service.TickResult;
import picocli.CommandLine.Command;

@Command(header = "Wake due scheduled tasks, release expired manual leases.",
    name = "tick", mixinStandardHelpOptions = true,
    description = {"Run one maintenance pass by hand: wake scheduled tasks whose time has come and",
        "release expired leases of manual claims. A running gateway does this continuously."})
final class TickCommand extends BoardCommand {
  TickCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  int run(BoardService board, Output out) {
    TickResult r = board.tick();
    if (out.json) {
      out.document(org.agentkanban.api.Documents.tick(r));
    } else {
      out.line("Woke " + r.woken().size() + " scheduled task(s), released " + r.released().size() + " expired lease(s).");
      r.woken().forEach(id -> out.line("  woke     " + id));
      r.released().forEach(id -> out.line("  released " + id));
    }
    return ExitCode.OK;
  }
}
