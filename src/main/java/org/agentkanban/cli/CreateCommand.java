package org.agentkanban.cli;

import java.util.List;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TimeSpec;
import org.agentkanban.domain.Workspace;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.CreateResult;
import org.agentkanban.service.CreateTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Create a task.",
    name = "create", mixinStandardHelpOptions = true,
    description = {"Create a task. It lands in ready, or todo while a parent is unfinished,",
        "scheduled with --at in the future, triage with --triage."},
    footer = {"", "Examples:",
        "  kanban create \"Write the parser\" --assignee coder --priority 5",
        "  kanban create \"Review\" --parent t_a --parent t_b --max-runtime 30m",
        "  kanban create \"Nightly report\" --idempotency-key report-2026-12-01 --at 2026-12-01T02:00",
        "  echo 'long spec' | kanban create \"Spec from stdin\" --body-file -"})
final class CreateCommand extends BoardCommand {
  @Parameters(index = "0", paramLabel = "<title>", description = "What to do, in one line.")
  String title;

  @Option(names = "--body", description = "The spec: what the worker needs to know.")
  String body;

  @Option(names = "--body-file", paramLabel = "<file|->", description = "Read the body from a file, or stdin with '-'.")
  String bodyFile;

  @Option(names = "--assignee", description = "The worker profile that should do it.")
  String assignee;

  @Option(names = "--parent", paramLabel = "<id>", description = "A task this one waits for (repeatable).")
  List<String> parents;

  @Option(names = "--priority", description = "Higher runs first (-1000..1000, default 0).")
  Integer priority;

  @Option(names = "--tenant", description = "A namespace inside the board (default: $KANBAN_TENANT, else the first parent's).")
  String tenant;

  @Option(names = "--idempotency-key", paramLabel = "<key>",
      description = "Create only if no task holds this key; otherwise print the existing task.")
  String idempotencyKey;

  @Option(names = "--dedupe-scope", paramLabel = "open|lifetime", converter = Converters.DedupeScopeConverter.class,
      description = "open (default): the key deduplicates while its task is open; lifetime: forever.")
  DedupeScope dedupeScope;

  @Option(names = "--triage", description = "Start in triage: an idea to specify before anyone works on it.")
  boolean triage;

  @Option(names = "--at", paramLabel = "<time>", description = "Start time: +30m, 'in 2h', 2026-12-01T09:00, 2026-12-01 or epoch ms.")
  String at;

  @Option(names = "--max-runtime", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
      description = "Stop an attempt that runs longer (90s, 30m, 2h).")
  Long maxRuntimeMs;

  @Option(names = "--max-retries", paramLabel = "<n>", description = "Retries after failures before the task is blocked (default 2).")
  Integer maxRetries;

  @Option(names = "--workspace", paramLabel = "<spec>", converter = Converters.WorkspaceConverter.class,
      description = "scratch (default), dir:<absolute path>, worktree or worktree:<absolute path>.")
  Workspace workspace;

  private CreateTask request;

  CreateCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    if (dedupeScope != null && idempotencyKey == null) {
      throw KanbanException.invalid("--dedupe-scope needs --idempotency-key");
    }
    String text = TextInput.body(ctx, body, bodyFile);
    Long scheduledAt = at == null ? null : TimeSpec.parse(at, ctx.clock.now(), ctx.zone());
    String tenantOrEnv = tenant != null ? tenant : ctx.env.get("KANBAN_TENANT");
    request = new CreateTask(title, text, assignee, parents, priority, tenantOrEnv, idempotencyKey, dedupeScope,
        triage, scheduledAt, maxRuntimeMs, maxRetries, workspace, ctx.actor(null));
    // Field rules (title, sizes, names) run again inside the service; checking here keeps a bad
    // request from creating the default board on first use.
    org.agentkanban.domain.TextRules.title(title);
    org.agentkanban.domain.TextRules.body(text);
    org.agentkanban.domain.TextRules.assignee(assignee);
    org.agentkanban.domain.TextRules.maxRetries(maxRetries);
    org.agentkanban.domain.TextRules.name("tenant", tenantOrEnv);
    org.agentkanban.domain.TextRules.idempotencyKey(idempotencyKey);
    if (priority != null) {
      org.agentkanban.domain.TextRules.priority(priority);
    }
    if (parents != null) {
      parents.forEach(org.agentkanban.domain.TaskIds::require);
    }
  }

  @Override
  int run(BoardService board, Output out) {
    CreateResult r = board.create(request);
    if (out.json) {
      out.document(org.agentkanban.api.Documents.created(r));
    } else {
      var t = r.view().task();
      if (r.created()) {
        out.line("Created " + t.id() + "  (" + t.status().wire()
            + (t.assignee() == null ? "" : ", assignee=" + t.assignee()) + ")");
      } else {
        out.line("Exists " + t.id() + "  (idempotency key '" + t.idempotencyKey() + "' matched; it is "
            + t.status().wire() + ")");
      }
    }
    return ExitCode.OK;
  }
}
