package org.agentkanban.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.BoardListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Create $KANBAN_HOME and the default board.",
    name = "init", mixinStandardHelpOptions = true,
    description = {"Create $KANBAN_HOME (default ~/.kanban) and the 'default' board, or the board given",
        "with --board. Safe to run again."})
final class InitCommand implements Callable<Integer> {
  @Option(names = "--board", paramLabel = "<slug>", description = "Also create this board and make it current.")
  String board;

  @Option(names = "--json", description = "Print a JSON document.")
  boolean json;

  private final CliContext ctx;

  InitCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (board != null) {
      BoardSlug.require(board);
    }
    var boards = ctx.boards();
    String slug = board == null ? BoardSlug.DEFAULT : board;
    boolean existed = boards.exists(slug);
    try (BoardService ignored = boards.create(BoardSlug.DEFAULT, null, null, false, BoardListener.NONE)) {
      // default always exists
    }
    if (board != null) {
      try (BoardService ignored = boards.create(board, null, null, true, BoardListener.NONE)) {
        // created and made current
      }
    }
    Output out = new Output(json, ctx.out, ctx.zone());
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("home", ctx.home().root().toString());
      doc.put("board", slug);
      doc.put("created", !existed);
      doc.put("database", ctx.home().boardDir(slug).resolve("board.db").toString());
      out.document(doc);
    } else {
      out.line((existed ? "Board '" + slug + "' already exists" : "Created board '" + slug + "'") + " in " + ctx.home().root());
      out.line("Next: kanban create \"My first task\"   then   kanban list");
    }
    return ExitCode.OK;
  }
}
