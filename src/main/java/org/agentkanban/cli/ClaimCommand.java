package org.agentkanban.cli;

import org.agentkanban.domain.Durations;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Claim;
import org.agentkanban.service.LocalBoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Claim a task by hand (manual lanes).",
    name = "claim", mixinStandardHelpOptions = true,
    description = {"Claim a ready (or review) task by hand, for a lane no dispatcher serves. Opens a run",
        "with a lease; keep it with 'kanban heartbeat', end it with complete, block or request-review.",
        "An expired lease is released by 'kanban tick' or the gateway."},
    footer = {"", "Example:", "  kanban claim t_8k2m4q7wxz --ttl 30m"})
final class ClaimCommand extends BoardCommand {
  @Parameters(index = "0", paramLabel = "<id>") String id;

  @Option(names = "--ttl", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
      description = "Lease length; each heartbeat renews it (default 15m).")
  Long ttlMs;

  ClaimCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    TaskIds.require(id);
  }

  @Override
  int run(BoardService board, Output out) {
    long ttl = ttlMs == null ? LocalBoardService.LEASE_TTL_MS_DEFAULT : ttlMs;
    Claim c = board.claim(id, ttl, ctx.actor(null));
    if (out.json) {
      out.document(org.agentkanban.api.Documents.claimed(c));
    } else {
      out.line("Claimed " + id + " as run " + c.run().id() + " (lease " + Durations.format(ttl) + ", until "
          + out.time(c.run().leaseExpiresAt()) + ")");
      out.line("  workspace  " + c.view().task().workspace().spec());
      out.line("  run token  " + c.runToken());
      out.line("Keep it: kanban heartbeat " + id + " --run " + c.run().id());
    }
    return ExitCode.OK;
  }
}
