package org.agentkanban.cli;

import org.agentkanban.domain.Comment;
import org.agentkanban.domain.Durations;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.TaskDetail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Show a task in full.",
    name = "show", mixinStandardHelpOptions = true,
    description = "Show a task: fields, parents, children, comments, runs, attachments and recent events.",
    footer = {"", "Examples:", "  kanban show t_8k2m4q7wxz", "  kanban show t_8k2m4q7wxz --context   # what a worker reads"})
final class ShowCommand extends BoardCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "<id>", description = "The task (default: $KANBAN_TASK).")
  String id;

  @Option(names = "--context", description = "Print the worker context document instead.")
  boolean context;

  @Option(names = "--events", paramLabel = "<n>", defaultValue = "20", description = "Recent events to show (default ${DEFAULT-VALUE}).")
  int events;

  ShowCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    if (id == null) {
      id = ctx.defaultTask();
      if (id == null) {
        throw KanbanException.invalid("give a task id");
      }
    }
    TaskIds.require(id);
    if (events < 0 || events > 10_000) {
      throw KanbanException.invalid("--events must be between 0 and 10000");
    }
  }

  @Override
  int run(BoardService board, Output out) {
    if (context) {
      String doc = board.context(id);
      if (out.json) {
        out.document(org.agentkanban.api.Documents.context(id, doc));
      } else {
        out.out.print(doc);
        out.out.flush();
      }
      return ExitCode.OK;
    }
    TaskDetail d = board.show(id, Math.max(events, 0));
    if (out.json) {
      var home = ctx.home();
      out.document(Documents.detail(d, a -> home.attachmentsDir(board.board()).resolve(a.taskId()).resolve(a.storedName()).toString()));
      return ExitCode.OK;
    }
    print(d, out, board.board());
    return ExitCode.OK;
  }

  private void print(TaskDetail d, Output out, String slug) {
    Task t = d.view().task();
    out.line(t.id() + "  " + t.title());
    out.line(String.format("  status     %-12s priority   %d", t.status().wire(), t.priority()));
    out.line(String.format("  assignee   %-12s tenant     %s", ListCommand.dash(t.assignee()), ListCommand.dash(t.tenant())));
    out.line("  workspace  " + t.workspace().spec());
    out.line("  created    " + out.time(t.createdAt()) + " by " + ListCommand.dash(t.createdBy()));
    if (t.startedAt() != null) {
      out.line("  started    " + out.time(t.startedAt()));
    }
    if (t.completedAt() != null) {
      out.line("  completed  " + out.time(t.completedAt()));
    }
    if (t.scheduledAt() != null) {
      out.line("  scheduled  " + out.time(t.scheduledAt()));
    }
    if (t.maxRuntimeMs() != null || t.maxRetries() != null) {
      out.line("  limits     max runtime " + (t.maxRuntimeMs() == null ? "-" : Durations.format(t.maxRuntimeMs()))
          + ", max retries " + (t.maxRetries() == null ? "default" : t.maxRetries()));
    }
    if (t.consecutiveFailures() > 0 || t.protocolViolations() > 0) {
      out.line("  failures   " + t.consecutiveFailures() + " in a row, " + t.protocolViolations() + " protocol violations");
    }
    if (t.lastFailureError() != null) {
      out.line("  last error " + t.lastFailureError());
    }
    if (t.blockReason() != null || t.blockKind() != null) {
      out.line("  blocked    " + ListCommand.dash(t.blockReason())
          + (t.blockKind() == null ? "" : " (kind " + t.blockKind().wire() + ", " + t.blockRecurrences() + " in a row)"));
    }
    if (t.idempotencyKey() != null) {
      out.line("  key        " + t.idempotencyKey() + " (" + t.dedupeScope().wire() + ")");
    }
    if (t.currentRunId() != null) {
      out.line("  run        " + t.currentRunId());
    }
    waitingReason(d).ifPresent(reason -> out.line("  waiting    " + reason));
    for (TaskDetail.Related p : d.parents()) {
      out.line("  parent     " + p.id() + " (" + p.status().wire() + ") " + p.title());
    }
    for (TaskDetail.Related c : d.children()) {
      out.line("  child      " + c.id() + " (" + c.status().wire() + ") " + c.title());
    }
    if (!t.body().isBlank()) {
      out.line("");
      out.line("Body:");
      t.body().lines().forEach(l -> out.line("  " + l));
    }
    if (!d.attachments().isEmpty()) {
      out.line("");
      out.line("Attachments:");
      d.attachments().forEach(a -> out.line("  #" + a.id() + "  " + a.filename() + "  (" + a.contentType() + ", " + a.size() + " bytes)"));
    }
    if (!d.comments().isEmpty()) {
      out.line("");
      out.line("Comments:");
      for (Comment c : d.comments()) {
        out.line("  " + out.time(c.createdAt()) + "  " + c.author() + ": " + c.body().replace("\n", "\n    "));
      }
    }
    if (!d.runs().isEmpty()) {
      out.line("");
      out.line("Runs:");
      d.runs().forEach(r -> out.line("  " + RunsCommand.line(r, out)));
    }
    if (!d.events().isEmpty()) {
      out.line("");
      out.line("Recent events:");
      for (int i = d.events().size() - 1; i >= 0; i--) {
        out.line("  " + EventsCommand.line(d.events().get(i), out));
      }
    }
  }

  /** Why a dispatchable task is not started, as the dispatcher last said (after its last change). */
  static java.util.Optional<String> waitingReason(TaskDetail d) {
    Task t = d.view().task();
    if (t.status() != org.agentkanban.domain.Status.READY && t.status() != org.agentkanban.domain.Status.REVIEW) {
      return java.util.Optional.empty();
    }
    return d.events().stream()
        .filter(e -> e.kind() == org.agentkanban.domain.EventKind.DISPATCH_SKIPPED && e.createdAt() >= t.updatedAt())
        .findFirst()
        .map(e -> org.agentkanban.wire.Json.tree(e.payload()))
        .filter(p -> p != null && p.has("reason"))
        .map(p -> p.get("reason").asText());
  }

  static String runSummary(Run r) {
    return r.summary() != null ? r.summary() : r.error() != null ? r.error() : "";
  }

  static String eventPayload(Event e) {
    return e.payload() == null ? "" : e.payload();
  }
}
