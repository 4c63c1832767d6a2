package org.agentkanban.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.Status;
import org.agentkanban.remote.RemoteBoards;
import org.agentkanban.service.BoardInfo;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Manage boards.",
    name = "boards", mixinStandardHelpOptions = true,
    description = "Manage boards: each one is an isolated queue with its own database and files.",
    subcommands = {BoardsCommand.ListBoards.class, BoardsCommand.Create.class, BoardsCommand.Show.class,
        BoardsCommand.Switch.class, BoardsCommand.Rename.class, BoardsCommand.Remove.class})
final class BoardsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static org.agentkanban.wire.ResponseJson.Board document(BoardInfo b) {
    return org.agentkanban.api.Documents.board(b);
  }

  abstract static class Base implements Callable<Integer> {
    @Option(names = "--json", description = "Print a JSON document.") boolean json;
    final CliContext ctx;

    Base(CliContext ctx) {
      this.ctx = ctx;
    }

    Output out() {
      return new Output(json, ctx.out, ctx.zone());
    }
  }

  @Command(header = "List boards.", name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List boards; * marks the current one.")
  static final class ListBoards extends Base {
    @Option(names = "--all", description = "Include archived boards.") boolean all;

    ListBoards(CliContext ctx) {
      super(ctx);
    }

    @Override
    public Integer call() {
      List<BoardInfo> boards = ctx.boards().list(all);
      Output out = out();
      if (json) {
        out.document(org.agentkanban.api.Documents.boards(boards));
      } else {
        for (BoardInfo b : boards) {
          int open = b.counts().entrySet().stream()
              .filter(e -> e.getKey() != Status.ARCHIVED && e.getKey() != Status.DONE).mapToInt(Map.Entry::getValue).sum();
          out.line((b.current() ? "* " : "  ") + String.format("%-20s %-24s %s", b.slug(), b.name() == null ? "" : b.name(),
              b.archived() ? "(archived)" : open + " open, " + b.counts().getOrDefault(Status.DONE, 0) + " done"));
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(header = "Create a board.", name = "create", aliases = "new", mixinStandardHelpOptions = true, description = "Create a board.",
      footer = {"", "Example:", "  kanban boards create research --name \"Research\" --switch"})
  static final class Create extends Base {
    @Parameters(index = "0", paramLabel = "<slug>", description = "a-z, 0-9, '_' or '-', up to 64 characters.") String slug;
    @Option(names = "--name", description = "Display name.") String name;
    @Option(names = "--description") String description;
    @Option(names = "--switch", description = "Make it the current board.") boolean switchTo;

    Create(CliContext ctx) {
      super(ctx);
    }

    @Override
    public Integer call() {
      BoardSlug.require(slug);
      boolean existed = ctx.boards().exists(slug);
      try (BoardService ignored = ctx.boards().create(slug, name, description, switchTo, BoardListener.NONE)) {
        // created
      }
      Output out = out();
      if (json) {
        out.document(document(ctx.boards().show(slug)));
      } else {
        out.line((existed ? "Board '" + slug + "' already exists" : "Created board '" + slug + "'") + (switchTo ? " (now current)" : ""));
      }
      return ExitCode.OK;
    }
  }

  @Command(header = "Show a board.", name = "show", aliases = "current", mixinStandardHelpOptions = true, description = "Show a board (default: the current one).")
  static final class Show extends Base {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<slug>") String slug;

    Show(CliContext ctx) {
      super(ctx);
    }

    @Override
    public Integer call() {
      String s = slug != null ? slug : ctx.boards().resolve(null, ctx.env);
      BoardInfo b = ctx.boards().show(s);
      Output out = out();
      if (json) {
        out.document(document(b));
      } else {
        out.line(b.slug() + (b.current() ? " (current)" : "") + "  " + (b.name() == null ? "" : b.name()));
        if (b.description() != null) {
          out.line("  " + b.description());
        }
        out.line("  path " + b.directory());
        for (Status st : Status.values()) {
          out.line(String.format("  %-10s %d", st.wire(), b.counts().getOrDefault(st, 0)));
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(header = "Make a board current.", name = "switch", aliases = "use", mixinStandardHelpOptions = true, description = "Make a board the current one.")
  static final class Switch extends Base {
    @Parameters(index = "0", paramLabel = "<slug>") String slug;

    Switch(CliContext ctx) {
      super(ctx);
    }

    @Override
    public Integer call() {
      ctx.boards().switchTo(slug);
      Output out = out();
      if (json) {
        out.document(Map.of("current", slug));
      } else {
        out.line("Current board: " + slug);
      }
      return ExitCode.OK;
    }
  }

  @Command(header = "Change a board's display name.", name = "rename", mixinStandardHelpOptions = true,
      description = "Change a board's display name (the slug, its directory name, stays).")
  static final class Rename extends Base {
    @Parameters(index = "0", paramLabel = "<slug>") String slug;
    @Parameters(index = "1", paramLabel = "<name>") String name;

    Rename(CliContext ctx) {
      super(ctx);
    }

    @Override
    public Integer call() {
      ctx.boards().rename(slug, name);
      Output out = out();
      if (json) {
        out.document(document(ctx.boards().show(slug)));
      } else {
        out.line("Renamed board '" + slug + "' to \"" + name.strip() + "\"");
      }
      return ExitCode.OK;
    }
  }

  @Command(header = "Archive or delete a board.", name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
      description = {"Archive a board (moved to boards/_archived/, recoverable), or delete it with --delete.",
          "Board 'default' cannot be removed."})
  static final class Remove extends Base {
    @Parameters(index = "0", paramLabel = "<slug>") String slug;
    @Option(names = "--delete", description = "Delete the board and all its files for good.") boolean delete;

    Remove(CliContext ctx) {
      super(ctx);
    }

    @Override
    public Integer call() {
      // A live gateway has the board open: it must close it before the directory goes.
      var gateway = ctx.liveGateway();
      var where = gateway.isPresent()
          ? new RemoteBoards(gateway.get().url(), gateway.get().adminToken()).remove(slug, delete)
          : ctx.boards().remove(slug, delete);
      Output out = out();
      if (json) {
        out.document(org.agentkanban.api.Documents.boardRemoved(slug, delete, where));
      } else {
        out.line(delete ? "Deleted board '" + slug + "'" : "Archived board '" + slug + "' to " + where);
      }
      return ExitCode.OK;
    }
  }
}
