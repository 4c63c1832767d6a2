package org.agentkanban.cli;

import java.util.List;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.wire.CommentJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(header = "Add a comment to a task.",
    name = "comment", mixinStandardHelpOptions = true, description = "Add a comment to a task.",
    footer = {"", "Examples:", "  kanban comment t_8k2m4q7wxz \"The API key is in the vault under ci/\"",
        "  kanban comment t_8k2m4q7wxz --file notes.md"})
final class CommentCommand extends BoardCommand {
  @Parameters(paramLabel = "<id> <text>", arity = "1..*", description = "The task id, then the text.")
  List<String> words;

  @Option(names = "--file", paramLabel = "<file|->", description = "Read the text from a file, or stdin with '-'.")
  String file;

  @Option(names = "--author", description = "Who writes (default: $KANBAN_ACTOR, else $USER). Not inside a worker.")
  String author;

  @Option(names = "--run", paramLabel = "<run id>", description = "Write for this run; refused once it is not current.")
  Long run;

  private String id;
  private String text;

  CommentCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    Bulk.IdsAndText parsed = Bulk.idsAndText(words, ctx);
    if (parsed.ids().size() != 1) {
      throw KanbanException.invalid("comment takes one task id");
    }
    id = parsed.ids().get(0);
    if (file != null && parsed.text() != null) {
      throw KanbanException.invalid("give the text as arguments or with --file, not both");
    }
    text = file != null ? TextInput.read(ctx, file, "comment", org.agentkanban.domain.TextRules.COMMENT_MAX_BYTES) : parsed.text();
    org.agentkanban.domain.TextRules.comment(text);
    if (author != null && ctx.actor(run).isFenced()) {
      throw KanbanException.invalid("--author cannot be set for a worker's run");
    }
  }

  @Override
  int run(BoardService board, Output out) {
    Actor a = ctx.actor(run);
    if (author != null) {
      a = Actor.person(author);
    }
    var c = board.comment(id, text, a);
    if (out.json) {
      out.document(CommentJson.of(c));
    } else {
      out.line("Commented on " + id + " (#" + c.id() + ")");
    }
    return ExitCode.OK;
  }
}
