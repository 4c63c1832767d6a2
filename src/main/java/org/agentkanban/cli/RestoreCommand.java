package org.agentkanban.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.gateway.Backups;
import org.agentkanban.remote.RemoteBoards;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Replace a board's database with a verified backup.", name = "restore", mixinStandardHelpOptions = true,
    description = {"Move the board's current database aside (boards/<board>/quarantine/) and put the backup in its",
        "place; a board_restored event records which changes were lost. With a running gateway the gateway",
        "does it (it closes the board first); without one, the restore is refused while any other process has",
        "the board open."},
    footer = {"", "Examples:", "  kanban restore latest", "  kanban restore board-20261128-171500-000.db --board research"})
final class RestoreCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "<backup|latest>", description = "A backup file (name in the board's backups/, or a path), or 'latest'.")
  String backup;

  @Option(names = "--board", paramLabel = "<slug>", description = "The board (default: the current board).")
  String board;

  @Option(names = "--json", description = "Print a JSON document.")
  boolean json;

  private final CliContext ctx;

  RestoreCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (board != null) {
      BoardSlug.require(board);
    }
    String slug = ctx.boards().resolve(board, ctx.env);
    var gateway = ctx.liveGateway();
    Backups.Restored r;
    if (gateway.isPresent()) {
      var remote = new RemoteBoards(gateway.get().url(), gateway.get().adminToken()).restore(slug, backup);
      r = new Backups.Restored(remote.board(), java.nio.file.Path.of(remote.backup()), remote.backupCreatedAt(),
          remote.lastEventIdKept(), remote.quarantinedTo() == null ? null : java.nio.file.Path.of(remote.quarantinedTo()), 0);
    } else {
      r = Backups.restore(ctx.boards(), slug, backup, "kanban restore by " + ctx.actorName(), true, true, ctx.clock);
    }
    Output out = new Output(json, ctx.out, ctx.zone());
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("board", r.board());
      doc.put("backup", r.backup().toString());
      doc.put("backup_created_at", r.backupCreatedAt());
      doc.put("last_event_id_kept", r.lastEventIdKept());
      doc.put("quarantined_to", r.quarantinedTo() == null ? null : r.quarantinedTo().toString());
      out.document(doc);
    } else {
      out.line("Restored board '" + r.board() + "' from " + r.backup() + " (taken " + out.time(r.backupCreatedAt())
          + "; changes after event #" + r.lastEventIdKept() + " are lost)");
      if (r.quarantinedTo() != null) {
        out.line("  the previous database is kept in " + r.quarantinedTo());
      }
    }
    return ExitCode.OK;
  }
}
