package org.agentkanban.cli;

import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TimeSpec;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Park tasks until a time.",
    name = "schedule", mixinStandardHelpOptions = true,
    description = {"Park tasks until a time. A running task's run is cancelled. When the time comes the",
        "task becomes ready (or todo while parents are unfinished)."},
    footer = {"", "Examples:", "  kanban schedule t_8k2m4q7wxz --at +2h retry after the rate limit resets",
        "  kanban schedule t_a t_b --at 2026-12-01T09:00"})
final class ScheduleCommand extends IdsReasonCommand {
  @Option(names = "--at", required = true, paramLabel = "<time>",
      description = "+30m, 'in 2h', 2026-12-01T09:00, 2026-12-01T09:00:00Z, 2026-12-01 or epoch ms.")
  String at;

  @Option(names = "--run", paramLabel = "<run id>", description = "Act for this run; refused once it is not current.")
  Long run;

  private long atMs;

  ScheduleCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validateMore() {
    atMs = TimeSpec.parse(at, ctx.clock.now(), ctx.zone());
    if (atMs <= ctx.clock.now()) {
      throw KanbanException.invalid("--at is in the past; give a time ahead, e.g. +30m");
    }
  }

  @Override
  TaskView apply(BoardService board, String id, String reason) {
    return board.schedule(id, atMs, reason, ctx.actor(run));
  }
}
