package org.agentkanban.cli;

import java.util.EnumSet;
import java.util.List;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskView;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.store.TaskSort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "List tasks.",
    name = "list", aliases = "ls", mixinStandardHelpOptions = true,
    description = "List tasks, highest priority first (archived tasks only with --archived).",
    footer = {"", "Examples:", "  kanban list --status ready,running --assignee coder",
        "  kanban list --status ready --limit 50 --json", "  kanban list --archived --sort updated-desc"})
final class ListCommand extends BoardCommand {
  @Option(names = "--status", split = ",", paramLabel = "<status>", converter = Converters.StatusConverter.class,
      description = "Only these statuses (comma-separated or repeated).")
  List<Status> statuses;

  @Option(names = "--assignee", description = "Only this assignee.")
  String assignee;

  @Option(names = "--tenant", description = "Only this tenant.")
  String tenant;

  @Option(names = "--archived", description = "Include archived tasks.")
  boolean archived;

  @Option(names = "--limit", description = "At most this many (default ${DEFAULT-VALUE}).", defaultValue = "100")
  int limit;

  @Option(names = "--sort", converter = Converters.SortConverter.class, paramLabel = "<order>",
      description = "priority (default), priority-asc, created, created-desc, updated, updated-desc, status, assignee, title.")
  TaskSort sort;

  static final int MAX_LIMIT = 10_000;

  ListCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw KanbanException.invalid("--limit must be between 1 and " + MAX_LIMIT);
    }
  }

  @Override
  int run(BoardService board, Output out) {
    var set = statuses == null || statuses.isEmpty() ? EnumSet.noneOf(Status.class) : EnumSet.copyOf(statuses);
    List<TaskView> views = board.list(new TaskQuery(set, assignee == null ? null : assignee.toLowerCase(java.util.Locale.ROOT),
        tenant, archived, limit, sort));
    if (out.json) {
      out.document(org.agentkanban.api.Documents.list(board.board(), views));
      return ExitCode.OK;
    }
    if (views.isEmpty()) {
      out.line("No tasks.");
      return ExitCode.OK;
    }
    out.line(String.format("%-12s  %-9s  %4s  %-12s  %-10s  %s", "ID", "STATUS", "PRI", "ASSIGNEE", "TENANT", "TITLE"));
    for (TaskView v : views) {
      Task t = v.task();
      out.line(String.format("%-12s  %-9s  %4d  %-12s  %-10s  %s", t.id(), t.status().wire(), t.priority(),
          dash(t.assignee()), dash(t.tenant()), t.title()));
    }
    return ExitCode.OK;
  }

  static String dash(String s) {
    return s == null ? "-" : s;
  }
}
