package org.agentkanban.cli;

import org.agentkanban.domain.TaskIds;
import org.agentkanban.domain.TextRules;
import org.agentkanban.domain.Workspace;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.EditTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Change a task's fields.",
    name = "edit", mixinStandardHelpOptions = true, description = "Change a task's fields (not its status).",
    footer = {"", "Example:", "  kanban edit t_8k2m4q7wxz --title \"Parse v2 headers\" --priority 8 --max-runtime 45m"})
final class EditCommand extends BoardCommand {
  @Parameters(index = "0", paramLabel = "<id>") String id;
  @Option(names = "--title") String title;
  @Option(names = "--body") String body;
  @Option(names = "--body-file", paramLabel = "<file|->") String bodyFile;
  @Option(names = "--priority") Integer priority;
  @Option(names = "--tenant") String tenant;
  @Option(names = "--max-runtime", paramLabel = "<duration>", converter = Converters.DurationConverter.class) Long maxRuntimeMs;
  @Option(names = "--no-max-runtime", description = "Remove the runtime limit.") boolean noMaxRuntime;
  @Option(names = "--max-retries", paramLabel = "<n>") Integer maxRetries;
  @Option(names = "--workspace", paramLabel = "<spec>", converter = Converters.WorkspaceConverter.class) Workspace workspace;

  private EditTask request;

  EditCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    TaskIds.require(id);
    if (noMaxRuntime && maxRuntimeMs != null) {
      throw org.agentkanban.domain.KanbanException.invalid("give --max-runtime or --no-max-runtime, not both");
    }
    String text = TextInput.body(ctx, body, bodyFile);
    request = new EditTask(id, title, text, priority, tenant, maxRuntimeMs, noMaxRuntime, maxRetries, workspace, ctx.actor(null));
    if (request.isEmpty()) {
      throw org.agentkanban.domain.KanbanException.invalid(
          "nothing to change: give at least one of --title, --body, --priority, --tenant, --max-runtime, --max-retries, --workspace");
    }
    // The service checks these again; checking here keeps bad input from creating the default board.
    if (title != null) {
      TextRules.title(title);
    }
    TextRules.body(text);
    if (priority != null) {
      TextRules.priority(priority);
    }
    TextRules.name("tenant", tenant);
    TextRules.maxRetries(maxRetries);
  }

  @Override
  int run(BoardService board, Output out) {
    var v = board.edit(request);
    if (out.json) {
      out.document(Documents.task(v));
    } else {
      out.line("Edited " + v.id());
    }
    return ExitCode.OK;
  }
}
