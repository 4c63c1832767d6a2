package org.agentkanban.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.gateway.Doctor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Check boards and their surroundings; repair what is safe.", name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check the SQLite library and version, the file system, each board's journal mode, integrity",
        "(integrity_check), WAL size, backups, stuck runs, orphan scratch workspaces and leaked worker",
        "processes. --repair fixes what is safe: index-only damage (REINDEX after a backup), orphan",
        "workspaces, leaked workers, runs whose worker died unwatched. Exit 0 when nothing is wrong, 1 otherwise."},
    footer = {"", "Examples:", "  kanban doctor", "  kanban doctor --all --json", "  kanban doctor --board research --repair"})
final class DoctorCommand implements Callable<Integer> {
  @Option(names = "--board", paramLabel = "<slug>", description = "Only this board (default: the current board).")
  String board;

  @Option(names = "--all", description = "Every board.")
  boolean all;

  @Option(names = "--repair", description = "Fix what is safe to fix (not while a gateway runs).")
  boolean repair;

  @Option(names = "--json", description = "Print a JSON document.")
  boolean json;

  private final CliContext ctx;

  DoctorCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (board != null) {
      BoardSlug.require(board);
    }
    List<String> slugs = new ArrayList<>();
    if (all) {
      ctx.boards().list(false).forEach(b -> slugs.add(b.slug()));
    } else {
      slugs.add(ctx.boards().resolve(board, ctx.env));
    }
    var findings = new Doctor(ctx.home(), ctx.boards(), ctx.clock).examine(slugs, repair, ctx.liveGateway().isPresent());
    boolean problems = findings.stream().anyMatch(f -> f.level() == Doctor.Level.PROBLEM);
    Output out = new Output(json, ctx.out, ctx.zone());
    if (json) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (Doctor.Finding f : findings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("board", f.board());
        m.put("check", f.check());
        m.put("level", f.level().wire());
        m.put("detail", f.detail());
        m.put("fix", f.fix());
        list.add(m);
      }
      out.document(Map.of("ok", !problems, "findings", list));
    } else {
      for (Doctor.Finding f : findings) {
        out.line(String.format("%-9s %-10s %-18s %s", f.level().wire().toUpperCase(java.util.Locale.ROOT),
            f.board() == null ? "(host)" : f.board(), f.check(), f.detail()));
        if (f.fix() != null) {
          out.line("                                         fix: " + f.fix());
        }
      }
      out.line(problems ? "Problems found." : "No problems found.");
    }
    return problems ? ExitCode.FAILED : ExitCode.OK;
  }
}
