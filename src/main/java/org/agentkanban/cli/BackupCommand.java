package org.agentkanban.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.agentkanban.config.KanbanConfig;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.gateway.Backups;
import org.agentkanban.remote.RemoteBoards;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.store.BoardRecovery;
import org.agentkanban.store.FileBackups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Take a verified online backup of a board, or list them.", name = "backup", mixinStandardHelpOptions = true,
    description = {"Write a consistent copy of the board through SQLite (VACUUM INTO, never a file copy) into",
        "boards/<board>/backups/, verify it with integrity_check, and keep the newest (gateway.backup_keep, 12).",
        "A running gateway takes the backup itself; it also backs up every 5 minutes while a board changes."},
    footer = {"", "Examples:", "  kanban backup", "  kanban backup --list --board research"})
final class BackupCommand implements Callable<Integer> {
  @Option(names = "--board", paramLabel = "<slug>", description = "The board (default: the current board).")
  String board;

  @Option(names = "--list", description = "List the verified backups instead.")
  boolean list;

  @Option(names = "--json", description = "Print a JSON document.")
  boolean json;

  private final CliContext ctx;

  BackupCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (board != null) {
      BoardSlug.require(board);
    }
    String slug = ctx.boards().resolve(board, ctx.env);
    Output out = new Output(json, ctx.out, ctx.zone());
    BoardRecovery recovery = ctx.boards().recovery().orElseThrow(() ->
        KanbanException.refused("board '" + slug + "' is not kept in local files"));
    if (list) {
      List<BoardRecovery.BackupFile> backups = recovery.backups(ctx.boards().target(slug));
      if (json) {
        out.document(Map.of("board", slug, "backups", backups.stream().map(BackupCommand::document).toList()));
      } else if (backups.isEmpty()) {
        out.line("No verified backups of board '" + slug + "'.");
      } else {
        backups.forEach(b -> out.line(String.format("%s  %10d bytes  events up to #%d  %s", out.time(b.createdAt()),
            b.bytes(), b.lastEventId(), b.file())));
      }
      return ExitCode.OK;
    }
    FileBackups.Backup b;
    var gateway = ctx.liveGateway();
    if (gateway.isPresent()) {
      b = new RemoteBoards(gateway.get().url(), gateway.get().adminToken()).backup(slug);
    } else {
      if (!ctx.boards().exists(slug)) {
        throw KanbanException.notFound("board '" + slug + "' does not exist");
      }
      int keep = KanbanConfig.load(ctx.home().configFile()).gateway().backupKeep();
      try (LocalBoardService service = ctx.boards().open(slug, BoardListener.NONE)) {
        if (!(service.store() instanceof FileBackups files)) {
          throw KanbanException.refused("board '" + slug + "' is not kept in local files");
        }
        b = Backups.take(files, ctx.boards().target(slug), recovery, keep, ctx.clock.now());
      }
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("board", slug);
      doc.put("file", b.file().toString());
      doc.put("bytes", b.bytes());
      doc.put("took_ms", b.tookMs());
      doc.put("last_event_id", b.lastEventId());
      doc.put("verified", true);
      out.document(doc);
    } else {
      out.line("Backed up board '" + slug + "' to " + b.file() + " (" + b.bytes() + " bytes in " + b.tookMs()
          + " ms; integrity_check ok)");
    }
    return ExitCode.OK;
  }

  static Map<String, Object> document(BoardRecovery.BackupFile b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", b.file().toString());
    m.put("created_at", b.createdAt());
    m.put("bytes", b.bytes());
    m.put("last_event_id", b.lastEventId());
    return m;
  }
}
