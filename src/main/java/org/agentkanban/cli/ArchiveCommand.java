package org.agentkanban.cli;

import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Archive tasks (or delete archived ones with --rm).",
    name = "archive", mixinStandardHelpOptions = true,
    description = {"Archive tasks: hidden and final; children waiting on them are released. A running",
        "task's run is cancelled. With --rm, delete tasks that are already archived, with their",
        "runs, comments, events and files."},
    footer = {"", "Examples:", "  kanban archive t_a t_b superseded by t_c", "  kanban archive --rm t_a"})
final class ArchiveCommand extends IdsReasonCommand {
  @Option(names = "--rm", description = "Delete already-archived tasks for good.")
  boolean delete;

  ArchiveCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  int run(BoardService board, Output out) {
    if (!delete) {
      return super.run(board, out);
    }
    java.util.List<java.util.Map<String, Object>> results = new java.util.ArrayList<>();
    int code = ExitCode.OK;
    for (String id : ids()) {
      java.util.Map<String, Object> r = new java.util.LinkedHashMap<>();
      r.put("id", id);
      try {
        board.delete(id, ctx.actor(null));
        r.put("ok", true);
        r.put("deleted", true);
        if (!out.json) {
          out.line(id + "  deleted");
        }
      } catch (org.agentkanban.domain.KanbanException e) {
        r.put("ok", false);
        r.put("error", org.agentkanban.wire.ErrorJson.of(e.kind(), e.getMessage()).error());
        ctx.err.println("kanban: " + e.getMessage());
        code = code == ExitCode.OK || code == ExitCode.of(e.kind()) ? ExitCode.of(e.kind()) : ExitCode.FAILED;
      }
      results.add(r);
    }
    if (out.json) {
      out.document(java.util.Map.of("results", results));
    }
    return code;
  }

  @Override
  TaskView apply(BoardService board, String id, String reason) {
    return board.archive(id, reason, ctx.actor(null));
  }
}
